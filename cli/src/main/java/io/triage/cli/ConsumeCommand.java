package io.triage.cli;

import io.triage.service.KafkaClients;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Prints a topic's records as JSON lines with a plain read_committed Kafka consumer. */
@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a topic's records, one JSON line each: Avro values (ClassifiedEvent, DeadLetter, ...) in"
                + " Avro's JSON encoding via the registry, other values as their UTF-8 text.",
                "Reads committed records only, as the stream app writes them in transactions."})
final class ConsumeCommand implements Callable<Integer> {
    /** The Confluent wire format starts with this byte, then a 4-byte schema id. */
    private static final byte WIRE_FORMAT_MAGIC = 0;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--topic", defaultValue = "triage.classified", description = "Topic to read (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--registry", paramLabel = "URL", description = "Apicurio Registry's v2 API, to decode Avro values.")
    String registry;

    @Option(names = {"-n", "--max-records"}, paramLabel = "N", description = "Stop after N records (default: run until Ctrl-C).")
    Long maxRecords;

    @Option(names = "--latest", description = "Start at the end of the topic instead of its beginning.")
    boolean latest;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "triage-consume-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, latest ? "latest" : "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Deserializer<Object> avro = registry == null ? null : KafkaClients.avroDeserializer(registry);
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch done = new CountDownLatch(1);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Thread main = Thread.currentThread();
            Thread stopper = new Thread(() -> {
                consumer.wakeup(); // Ctrl-C: leave the poll, close the consumer, then let the JVM go
                try {
                    done.await();
                } catch (InterruptedException e) {
                    main.interrupt();
                }
            }, "triage-consume-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            try {
                consumer.subscribe(List.of(topic));
                long printed = 0;
                while (maxRecords == null || printed < maxRecords) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        out.println(json(r, avro));
                        out.flush();
                        if (maxRecords != null && ++printed >= maxRecords) {
                            break;
                        }
                    }
                }
            } catch (WakeupException stopped) {
                // Ctrl-C
            } catch (AvroWithoutRegistry e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 1;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopper);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running and waits for this close
                }
            }
        } finally {
            done.countDown();
        }
        return 0;
    }

    private String json(ConsumerRecord<byte[], byte[]> r, Deserializer<Object> avro) throws IOException {
        byte[] value = r.value();
        if (value == null) {
            return "null";
        }
        if (value.length > 5 && value[0] == WIRE_FORMAT_MAGIC) {
            if (avro == null) {
                throw new AvroWithoutRegistry(topic + " holds Avro records (registry wire format): pass --registry URL,"
                        + " e.g. http://localhost:8081/apis/registry/v2");
            }
            return avroJson((GenericRecord) avro.deserialize(r.topic(), value));
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    /** An Avro record met without a registry to decode it: the user's to fix, no stack trace. */
    private static final class AvroWithoutRegistry extends RuntimeException {
        AvroWithoutRegistry(String message) {
            super(message);
        }
    }

    /** Avro's own JSON encoding, on one line. */
    private static String avroJson(GenericRecord record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), bytes);
        // the generated class's own data model, which converts its logical types (Instant) back to longs
        new SpecificDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
