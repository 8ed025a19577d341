package io.triage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.triage.schemas.TextEvent;
import io.triage.service.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/** Sends texts to a topic in one of the stream app's input formats, with a plain Kafka producer. */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Send texts to a topic in one of the stream app's input formats and print where each one landed.")
final class ProduceCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The stream app's {@code input.format} values. */
    enum Format { text, json, avro }

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--topic", defaultValue = "triage.text-events",
            description = "Topic to write to (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--format", defaultValue = "text", description = "text (the value is the text), json"
            + " ({\"id\", \"text\"}) or avro (a TextEvent via the registry; needs --registry). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--registry", paramLabel = "URL", description = "Apicurio Registry's v2 API, for --format avro,"
            + " e.g. http://localhost:8081/apis/registry/v2.")
    String registry;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to send; none: one text per line of standard input.")
    List<String> texts;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (format == Format.avro && registry == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format avro needs --registry URL");
        }
        List<String> values = texts != null ? texts : new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8)).lines().filter(line -> !line.isBlank()).toList();
        Serializer<Object> serializer = serializer();
        try (KafkaProducer<byte[], Object> producer = KafkaClients.producer(bootstrap, serializer)) {
            for (String text : values) {
                RecordMetadata at = producer.send(new ProducerRecord<>(topic, null, value(text))).get();
                // a text or JSON event without an id gets topic-partition-offset as its id in the stream app
                spec.commandLine().getOut().printf("%s-%d@%d  %s%n", at.topic(), at.partition(), at.offset(), text);
            }
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private Serializer<Object> serializer() {
        if (format == Format.avro) {
            return (Serializer<Object>) (Serializer<?>) KafkaClients.<TextEvent>avroSerializer(registry);
        }
        return (topic, value) -> ((String) value).getBytes(StandardCharsets.UTF_8);
    }

    private Object value(String text) throws Exception {
        String id = UUID.randomUUID().toString();
        return switch (format) {
            case text -> text;
            case json -> JSON.writeValueAsString(JSON.createObjectNode().put("id", id).put("text", text));
            case avro -> TextEvent.newBuilder().setId(id).setText(text).setEventTime(Instant.now()).build();
        };
    }
}
