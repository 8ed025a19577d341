package io.triage.stream;

import io.triage.embedded.SharedInfrastructure;
import io.triage.service.KafkaClients;
import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.ReviewItem;
import io.triage.schemas.ReviewReason;
import io.triage.schemas.TextEvent;
import io.triage.stream.config.StreamAppSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.triage.stream.config.StreamAppSettings.*;
import static org.junit.jupiter.api.Assertions.*;

/** The stream app on a real KRaft broker and the real Apicurio registry, with Avro in and out. */
class StreamAppIntegrationTest {
    private static final List<String> LABELS = List.of("neg", "neu", "pos");
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path stateDir;

    @BeforeAll
    static void infrastructure() {
        kafka = SharedInfrastructure.kafka();
        registry = SharedInfrastructure.registry();
    }

    @Test
    void everyEventIsClassifiedOnceInOrderAndRoutedByLabel() throws Exception {
        String prefix = "it1.";
        Map<String, String> settings = new HashMap<>(KafkaFixture.appSettings(kafka.bootstrapServers(), registry.apiV2Url(), "it1"));
        settings.putAll(Map.of(TOPIC_INPUT, prefix + "in", TOPIC_OUTPUT, prefix + "out", TOPIC_DEAD_LETTER, prefix + "dlq",
                TOPIC_ROUTE_PREFIX, prefix + "out.", ROUTING_ENABLED, "true", TOPIC_PARTITIONS, "3",
                MODEL_LABELS, String.join(",", LABELS), BATCH_MAX_SIZE, "16", HTTP_PORT, "0"));
        settings.put("kafka.state.dir", stateDir.toString());
        // every result is "unsure" (a top score under 1): each must reach the review topic exactly once
        settings.putAll(Map.of(REVIEW_TOPIC, prefix + "review", REVIEW_THRESHOLD, "1", REVIEW_MARGIN, "0",
                REVIEW_SAMPLE, "0"));
        StreamAppSettings config = StreamAppSettings.of(settings);
        int n = 300;
        int keys = 7;
        try (TriageStreamApp app = TriageStreamApp.start(config)) {
            assertEventually(app::isReady, Duration.ofSeconds(60), "the app becomes ready");
            assertEquals(200, httpStatus(app.httpPort(), "/ready"));
            assertEquals(200, httpStatus(app.httpPort(), "/health"));

            try (KafkaProducer<byte[], TextEvent> producer = KafkaClients.producer(kafka.bootstrapServers(),
                    KafkaClients.avroSerializer(registry.apiV2Url()));
                 KafkaProducer<byte[], byte[]> raw = KafkaClients.rawProducer(kafka.bootstrapServers())) {
                for (int i = 0; i < n; i++) {
                    TextEvent event = TextEvent.newBuilder().setId("e" + i).setText("event number " + i + " feels " + (i % 5))
                            .setTextPair(i % 10 == 0 ? "a paired sentence " + i : null)
                            .setEventTime(Instant.now()).setAttributes(Map.of()).build();
                    producer.send(new ProducerRecord<>(prefix + "in", key(i % keys), event));
                    if (i == n / 2) {
                        producer.flush();
                        raw.send(new ProducerRecord<>(prefix + "in", key(0), "not avro at all".getBytes(StandardCharsets.UTF_8)));
                        raw.send(new ProducerRecord<>(prefix + "in", key(1), new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, 1, 2, 3}));
                        raw.flush();
                    }
                }
            }

            List<ConsumerRecord<byte[], ClassifiedEvent>> results;
            try (KafkaConsumer<byte[], ClassifiedEvent> reader = KafkaClients.committedReader(kafka.bootstrapServers(),
                    prefix + "out", KafkaClients.avroDeserializer(registry.apiV2Url()))) {
                results = KafkaClients.readUntil(reader, r -> r.size() >= n, Duration.ofSeconds(120));
                // a little longer: anything beyond n would be a duplicate
                KafkaClients.readUntil(reader, r -> false, Duration.ofSeconds(2), results);
            }
            assertEquals(n, results.size(), "exactly one result per event");
            Map<String, List<Integer>> orderPerKey = new LinkedHashMap<>();
            Map<String, Integer> perLabel = new HashMap<>();
            for (ConsumerRecord<byte[], ClassifiedEvent> r : results) {
                ClassifiedEvent e = r.value();
                int i = Integer.parseInt(e.getInputId().substring(1));
                assertEquals(key(i % keys).length, r.key().length);
                orderPerKey.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(i);
                assertEquals(1.0, e.getScores().values().stream().mapToDouble(Float::doubleValue).sum(), 1e-5);
                assertEquals(LABELS.size(), e.getScores().size());
                assertEquals(e.getScores().get(e.getLabel()), e.getScore(), 1e-7);
                assertEquals("minilm", e.getModelName());
                perLabel.merge(e.getLabel(), 1, Integer::sum);
            }
            assertEquals(n, results.stream().map(r -> r.value().getInputId()).distinct().count());
            orderPerKey.forEach((k, ids) -> assertEquals(ids.stream().sorted().toList(), ids, "order of key " + k));

            for (String label : LABELS) {
                try (KafkaConsumer<byte[], ClassifiedEvent> reader = KafkaClients.committedReader(kafka.bootstrapServers(),
                        LabelTopics.topicFor(prefix + "out.", label), KafkaClients.avroDeserializer(registry.apiV2Url()))) {
                    int expected = perLabel.getOrDefault(label, 0);
                    var routed = KafkaClients.readUntil(reader, r -> r.size() >= expected, Duration.ofSeconds(30));
                    assertEquals(expected, routed.size(), "topic of label " + label);
                    routed.forEach(r -> assertEquals(label, r.value().getLabel()));
                }
            }

            try (KafkaConsumer<byte[], DeadLetter> reader = KafkaClients.committedReader(kafka.bootstrapServers(),
                    prefix + "dlq", KafkaClients.avroDeserializer(registry.apiV2Url()))) {
                var letters = KafkaClients.readUntil(reader, r -> r.size() >= 2, Duration.ofSeconds(30));
                assertEquals(2, letters.size());
                List<String> messages = letters.stream().map(l -> l.value().getMessage()).sorted().toList();
                assertTrue(messages.get(0).startsWith("UNDECODABLE"), messages.toString());
                assertTrue(messages.get(1).startsWith("UNKNOWN_SCHEMA"), messages.toString());
            }

            Map<String, ClassifiedEvent> resultById = new HashMap<>();
            results.forEach(r -> resultById.put(r.value().getInputId(), r.value()));
            try (KafkaConsumer<byte[], ReviewItem> reader = KafkaClients.committedReader(kafka.bootstrapServers(),
                    prefix + "review", KafkaClients.avroDeserializer(registry.apiV2Url()))) {
                var items = KafkaClients.readUntil(reader, r -> r.size() >= n, Duration.ofSeconds(60));
                KafkaClients.readUntil(reader, r -> false, Duration.ofSeconds(2), items);
                assertEquals(n, items.size(), "one review item per result, none twice");
                for (ConsumerRecord<byte[], ReviewItem> r : items) {
                    ReviewItem item = r.value();
                    ClassifiedEvent result = resultById.get(item.getEventId());
                    assertEquals(result.getLabel(), item.getLabel());
                    assertEquals(result.getScore(), item.getScore());
                    assertEquals(result.getModelVersion(), item.getModelVersion());
                    assertEquals(List.of(ReviewReason.LOW_SCORE), item.getReasons());
                    assertTrue(item.getText().startsWith("event number " + item.getEventId().substring(1) + " "));
                }
            }

            String scrape = httpBody(app.httpPort(), "/metrics");
            assertTrue(scrape.contains("triage_events_classified_total " + n + ".0"), "events counter in /metrics");
            assertTrue(scrape.contains("triage_dead_letters_total"), "dead letter counter in /metrics");
            assertTrue(scrape.contains("triage_batch_size"), "batch size histogram in /metrics");
            assertTrue(scrape.contains("kafka_stream"), "Kafka Streams metrics in /metrics");
        }
    }

    @Test
    void resultsAreCommittedAfterEachBatchWithoutWaitingForTheCommitInterval() throws Exception {
        String prefix = "it2.";
        Map<String, String> settings = new HashMap<>(KafkaFixture.appSettings(kafka.bootstrapServers(), registry.apiV2Url(), "it2"));
        settings.putAll(Map.of(TOPIC_INPUT, prefix + "in", TOPIC_OUTPUT, prefix + "out", TOPIC_DEAD_LETTER, prefix + "dlq",
                MODEL_LABELS, String.join(",", LABELS), HTTP_PORT, "-1",
                "kafka.state.dir", stateDir.toString(),
                // ten minutes (transactions must be allowed to last as long): only the commit the processor asks
                // for after each batch can make results visible within the minute the reader waits
                "kafka.commit.interval.ms", "600000", "kafka.producer.transaction.timeout.ms", "900000"));
        int n = 20;
        try (TriageStreamApp app = TriageStreamApp.start(StreamAppSettings.of(settings))) {
            assertEventually(app::isReady, Duration.ofSeconds(60), "the app becomes ready");
            try (KafkaProducer<byte[], TextEvent> producer = KafkaClients.producer(kafka.bootstrapServers(),
                    KafkaClients.avroSerializer(registry.apiV2Url()))) {
                for (int i = 0; i < n; i++) {
                    producer.send(new ProducerRecord<>(prefix + "in", key(i), TextEvent.newBuilder().setId("c" + i)
                            .setText("text " + i).setEventTime(Instant.now()).setAttributes(Map.of()).build()));
                }
            }
            try (KafkaConsumer<byte[], ClassifiedEvent> reader = KafkaClients.committedReader(kafka.bootstrapServers(),
                    prefix + "out", KafkaClients.avroDeserializer(registry.apiV2Url()))) {
                var results = KafkaClients.readUntil(reader, r -> r.size() >= n, Duration.ofSeconds(60));
                assertEquals(n, results.size(), "results readable with read_committed long before the commit interval");
            }
        }
    }

    private static byte[] key(int k) {
        return ("key-" + k).getBytes(StandardCharsets.UTF_8);
    }

    static void assertEventually(java.util.function.BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    private static int httpStatus(int port, String path) throws Exception {
        return get(port, path).statusCode();
    }

    private static String httpBody(int port, String path) throws Exception {
        return get(port, path).body();
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
