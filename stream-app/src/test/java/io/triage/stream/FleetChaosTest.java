package io.triage.stream;

import io.triage.embedded.EmbeddedKafkaCluster;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.TextEvent;
import io.triage.service.KafkaClients;
import io.triage.stream.TestArtifacts.Artifact;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.triage.stream.config.StreamAppSettings.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A fleet under steady Avro load, with faults on purpose: three stream-app JVMs on six input partitions against a
 * three-broker cluster (replication factor 3, min.insync.replicas 2). In turn: an instance is SIGKILLed and
 * restarted; a fourth instance joins, a model update is published during that rebalance, and the fourth leaves by
 * SIGTERM (graceful shutdown under load); the leader of an input partition is stopped and restarted. A read_committed
 * reader then checks that every input has exactly one result, that per-key order is kept, that no partition's model
 * version moves backwards, and that the whole fleet serves the update within {@link #UPDATE_BOUND}.
 *
 * <p>Instances 0-2 use static membership ({@code instance.id}); the joiner is a dynamic member, as an extra replica
 * from an autoscaler would be. The load is modest (the CI machines have two cores for everything).
 */
class FleetChaosTest {
    private static final Logger LOG = LoggerFactory.getLogger(FleetChaosTest.class);
    private static final int PARTITIONS = 6;
    private static final int EVENTS_PER_SECOND = 30;
    private static final int KEYS = 24;
    private static final List<String> LABELS = List.of("a", "b");
    /** Every result classified this long after the update was published comes from the update. */
    private static final Duration UPDATE_BOUND = Duration.ofSeconds(90);
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final String IN = "fleet.in";
    private static final String OUT = "fleet.out";
    private static final String UPDATES = "fleet.updates";

    @TempDir
    Path dir;

    @Test
    void everyEventExactlyOnceThroughInstanceAndBrokerFaults() throws Exception {
        long started = System.nanoTime();
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        Artifact v1 = TestArtifacts.save(dir.resolve("models"), "v1", LABELS);
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start();
             StreamAppFleet fleet = new StreamAppFleet(dir, settings(cluster, registry), List.of("-Xmx1g",
                     "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
             Load load = new Load(cluster.bootstrapServers(), registry.apiV2Url());
             KafkaConsumer<byte[], ClassifiedEvent> reader = KafkaClients.committedReader(cluster.bootstrapServers(),
                     OUT, KafkaClients.avroDeserializer(registry.apiV2Url()))) {
            cluster.createTopic(IN, PARTITIONS);
            List<ConsumerRecord<byte[], ClassifiedEvent>> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fleet.start(i, Map.of(INSTANCE_ID, "fleet-" + i));
            }
            for (int i = 0; i < 3; i++) {
                fleet.awaitReady(i, READY_TIMEOUT);
            }
            load.start();
            awaitProgress(reader, seen, fleet, "three instances start");

            fleet.kill(1);
            awaitProgress(reader, seen, fleet, "instance 1 SIGKILLed");
            fleet.start(1, Map.of(INSTANCE_ID, "fleet-1"));
            fleet.awaitReady(1, READY_TIMEOUT);
            awaitProgress(reader, seen, fleet, "instance 1 restarted");

            fleet.start(3);
            waitUntilJoining(fleet, 3); // its join rebalances the group: publish the update meanwhile
            Instant published = Instant.now();
            publish(cluster.bootstrapServers(), registry.apiV2Url(), TestArtifacts.update(v1.version(),
                    v1.dir().toUri().toString(), v1.sha256(), LABELS));
            fleet.awaitReady(3, READY_TIMEOUT);
            awaitProgress(reader, seen, fleet, "instance 3 joined, update published");
            assertEquals(143, fleet.stop(3), "graceful shutdown (128 + SIGTERM) of instance 3; see " + fleet.log(3));
            awaitProgress(reader, seen, fleet, "instance 3 left by SIGTERM");

            int broker = cluster.leaderOf(IN, 0);
            cluster.stopBroker(broker);
            awaitProgress(reader, seen, fleet, "broker " + broker + " stopped");
            cluster.startBroker(broker);
            awaitProgress(reader, seen, fleet, "broker " + broker + " restarted");

            int sent = load.stop();
            KafkaClients.readUntil(reader, r -> r.size() >= sent, PROGRESS_TIMEOUT, seen);
            KafkaClients.readUntil(reader, r -> false, Duration.ofSeconds(5), seen); // duplicates would show now

            assertExactlyOnce(sent, seen, fleet);
            assertPerKeyOrder(seen);
            assertVersionsOnlyMoveForward(seen, v1.version());
            assertFleetServesTheUpdate(seen, v1.version(), published.plus(UPDATE_BOUND));
            LOG.info("chaos run: {} events, {} s", sent, Duration.ofNanos(System.nanoTime() - started).toSeconds());
        }
    }

    private Map<String, String> settings(EmbeddedKafkaCluster cluster, EmbeddedRegistry registry) {
        Map<String, String> s = new HashMap<>(KafkaFixture.appSettings(cluster.bootstrapServers(),
                registry.apiV2Url(), "fleet-chaos"));
        s.putAll(Map.of(TOPIC_INPUT, IN, TOPIC_OUTPUT, OUT, TOPIC_DEAD_LETTER, "fleet.dlq",
                TOPIC_MODEL_UPDATES, UPDATES, TOPIC_PARTITIONS, Integer.toString(PARTITIONS),
                MODEL_LABELS, String.join(",", LABELS), BATCH_MAX_SIZE, "16", HTTP_PORT, "-1",
                MODEL_CPU_THREADS, "1", ARTIFACT_ALLOWED_URIS, dir.resolve("models").toString()));
        // a dead member is noticed within seconds, not the default 45
        s.putAll(Map.of("kafka.session.timeout.ms", "6000", "kafka.heartbeat.interval.ms", "1000"));
        return s;
    }

    /** Waits until the instance's log says Kafka Streams is starting, i.e. its model is loaded and it joins now. */
    private static void waitUntilJoining(StreamAppFleet fleet, int id) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (java.nio.file.Files.exists(fleet.log(id))
                    && java.nio.file.Files.readString(fleet.log(id)).contains("starting Kafka Streams")) {
                return;
            }
            Thread.sleep(100);
        }
        fail("instance " + id + " did not start Kafka Streams; see " + fleet.log(id));
    }

    /** Waits until a few more results are committed: the fleet works again after the step just taken. */
    private static void awaitProgress(KafkaConsumer<byte[], ClassifiedEvent> reader,
                                      List<ConsumerRecord<byte[], ClassifiedEvent>> seen, StreamAppFleet fleet,
                                      String step) {
        int before = seen.size();
        int wanted = before + 3 * EVENTS_PER_SECOND;
        long t0 = System.nanoTime();
        KafkaClients.readUntil(reader, r -> r.size() >= wanted, PROGRESS_TIMEOUT, seen);
        assertTrue(seen.size() >= wanted, "no progress after: " + step + " (" + (seen.size() - before)
                + " results); see " + fleet.logs());
        LOG.info("{}: {} more results in {} ms", step, seen.size() - before,
                Duration.ofNanos(System.nanoTime() - t0).toMillis());
    }

    private static void assertExactlyOnce(int sent, List<ConsumerRecord<byte[], ClassifiedEvent>> seen,
                                          StreamAppFleet fleet) {
        Map<String, Integer> counts = new HashMap<>();
        seen.forEach(r -> counts.merge(r.value().getInputId().toString(), 1, Integer::sum));
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            if (!counts.containsKey("e" + i)) {
                missing.add("e" + i);
            }
        }
        Map<String, Integer> duplicated = new TreeMap<>();
        counts.forEach((id, c) -> {
            if (c > 1) {
                duplicated.put(id, c);
            }
        });
        assertEquals(List.of(), missing, "lost events; see " + fleet.logs());
        assertEquals(Map.of(), duplicated, "duplicated events; see " + fleet.logs());
        assertEquals(sent, seen.size());
    }

    /** Results of one key are in one partition; read in offset order, their input numbers must increase. */
    private static void assertPerKeyOrder(List<ConsumerRecord<byte[], ClassifiedEvent>> seen) {
        Map<String, Integer> last = new HashMap<>();
        for (ConsumerRecord<byte[], ClassifiedEvent> r : seen) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            int n = Integer.parseInt(r.value().getInputId().toString().substring(1));
            Integer previous = last.put(key, n);
            assertTrue(previous == null || previous < n, "key " + key + ": e" + n + " after e" + previous);
        }
    }

    /** Once a partition's results come from the update, none comes from the older version again. */
    private static void assertVersionsOnlyMoveForward(List<ConsumerRecord<byte[], ClassifiedEvent>> seen,
                                                      String newVersion) {
        Map<Integer, Long> firstNew = new HashMap<>();
        for (ConsumerRecord<byte[], ClassifiedEvent> r : seen) {
            boolean isNew = newVersion.contentEquals(r.value().getModelVersion());
            if (isNew) {
                firstNew.putIfAbsent(r.partition(), r.offset());
            } else {
                assertFalse(firstNew.containsKey(r.partition()), "partition " + r.partition() + " went back to "
                        + r.value().getModelVersion() + " at offset " + r.offset() + " after " + newVersion
                        + " at offset " + firstNew.get(r.partition()));
            }
        }
        assertEquals(PARTITIONS, firstNew.size(), "every partition serves " + newVersion + ": " + firstNew);
    }

    private static void assertFleetServesTheUpdate(List<ConsumerRecord<byte[], ClassifiedEvent>> seen,
                                                   String newVersion, Instant bound) {
        for (ConsumerRecord<byte[], ClassifiedEvent> r : seen) {
            if (r.value().getClassifiedAt().isAfter(bound)) {
                assertEquals(newVersion, r.value().getModelVersion().toString(), "result of "
                        + r.value().getInputId() + " in partition " + r.partition() + " classified at "
                        + r.value().getClassifiedAt() + ", later than " + UPDATE_BOUND + " after the update");
            }
        }
    }

    private static void publish(String bootstrap, String registryUrl, ModelUpdate update) {
        try (KafkaProducer<byte[], ModelUpdate> p = KafkaClients.producer(bootstrap,
                KafkaClients.avroSerializer(registryUrl))) {
            p.send(new ProducerRecord<>(UPDATES, "triage".getBytes(StandardCharsets.UTF_8),
                    KafkaFixture.TRAINER.sign(update)));
        }
    }

    /** Steady Avro load: {@link #EVENTS_PER_SECOND} events e0, e1, ... over {@link #KEYS} keys, until stopped. */
    private static final class Load implements AutoCloseable {
        private final KafkaProducer<byte[], TextEvent> producer;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final Thread thread = new Thread(this::run, "fleet-load");

        Load(String bootstrap, String registryUrl) {
            producer = KafkaClients.producer(bootstrap, KafkaClients.avroSerializer(registryUrl));
        }

        void start() {
            thread.start();
        }

        private void run() {
            long next = System.nanoTime();
            long interval = 1_000_000_000L / EVENTS_PER_SECOND;
            while (running.get()) {
                int i = sent.get();
                TextEvent e = TextEvent.newBuilder().setId("e" + i).setText("fleet chaos event " + i)
                        .setEventTime(Instant.now()).setAttributes(Map.of()).build();
                producer.send(new ProducerRecord<>(IN, ("k" + (i % KEYS)).getBytes(StandardCharsets.UTF_8), e),
                        (meta, error) -> {
                            if (error != null) {
                                failed.incrementAndGet();
                            }
                        });
                sent.incrementAndGet();
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException ex) {
                        return;
                    }
                }
            }
        }

        /** Stops the load; returns how many events were sent, all acknowledged. */
        int stop() throws InterruptedException {
            running.set(false);
            thread.join();
            producer.flush();
            assertEquals(0, failed.get(), "events the cluster did not take");
            return sent.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join();
            producer.close();
        }
    }
}
