package io.triage.console;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.schemas.LabeledExample;
import io.triage.schemas.ReviewItem;
import io.triage.schemas.ReviewReason;
import io.triage.service.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A console on the real embedded broker and registry, on topics of its own; review items put on its review topic as
 * the stream app writes them, and the feedback read back as the trainer would.
 */
final class ConsoleFixture implements AutoCloseable {
    static final String TOKEN = "correct horse battery";

    final Map<String, String> settings = new HashMap<>();
    private final EmbeddedKafka kafka = SharedInfrastructure.kafka();
    private final EmbeddedRegistry registry = SharedInfrastructure.registry();
    private final KafkaProducer<byte[], ReviewItem> items;
    private final KafkaConsumer<byte[], LabeledExample> feedback;
    private TriageConsole console;

    ConsoleFixture(String name) {
        String prefix = name + "-" + System.nanoTime();
        settings.put(ConsoleSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        settings.put(ConsoleSettings.REGISTRY_URL, registry.apiV2Url());
        settings.put(ConsoleSettings.TOKEN, TOKEN);
        settings.put(ConsoleSettings.REVIEW_TOPIC, prefix + ".review");
        settings.put(ConsoleSettings.FEEDBACK_TOPIC, prefix + ".feedback");
        settings.put(ConsoleSettings.STATE_TOPIC, prefix + ".state");
        settings.put(ConsoleSettings.TRANSACTIONAL_ID, prefix + "-console");
        settings.put(ConsoleSettings.HTTP_PORT, "0");
        settings.put(ConsoleSettings.HTTP_BIND_ADDRESS, "127.0.0.1");
        kafka.createTopic(prefix + ".review", 2);
        kafka.createTopic(prefix + ".feedback", 1);
        items = KafkaClients.producer(kafka.bootstrapServers(), KafkaClients.avroSerializer(registry.apiV2Url()));
        feedback = KafkaClients.committedReader(kafka.bootstrapServers(), prefix + ".feedback",
                KafkaClients.avroDeserializer(registry.apiV2Url()));
    }

    TriageConsole start() throws Exception {
        console = TriageConsole.start(ConsoleSettings.of(settings));
        return console;
    }

    /** Stops the console as a restart would, and starts a new one on the same topics and transactional id. */
    TriageConsole restart() throws Exception {
        console.close();
        return start();
    }

    String url() {
        return "http://127.0.0.1:" + console.port();
    }

    /** An event the stream app found uncertain: two labels, {@code a} scored {@code scoreA}. */
    void review(String id, String text, float scoreA) throws Exception {
        float scoreB = 1 - scoreA;
        ReviewItem item = ReviewItem.newBuilder().setEventId(id).setText(text).setLabel(scoreA >= scoreB ? "a" : "b")
                .setScore(Math.max(scoreA, scoreB)).setMargin(Math.abs(scoreA - scoreB))
                .setScores(Map.of("a", scoreA, "b", scoreB)).setReasons(List.of(ReviewReason.SMALL_MARGIN))
                .setModelName("triage").setModelVersion("3").setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setClassifiedAt(Instant.ofEpochMilli(1_700_000_000_100L)).build();
        items.send(new ProducerRecord<>(settings.get(ConsoleSettings.REVIEW_TOPIC), id.getBytes(StandardCharsets.UTF_8),
                item)).get();
    }

    /** Reads the feedback topic until {@code n} labels have come, at most 30 s. */
    List<LabeledExample> feedback(int n, List<LabeledExample> into) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (into.size() < n && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], LabeledExample> r : feedback.poll(Duration.ofMillis(200))) {
                into.add(r.value());
            }
        }
        return into;
    }

    /** Waits until the console has read every item put on its review topic so far. */
    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the console did not get ready");
    }

    @Override
    public void close() throws Exception {
        if (console != null) {
            console.close();
        }
        items.close();
        feedback.close();
    }
}
