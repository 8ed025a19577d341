package io.triage.stream;

import ai.djl.Device;
import io.triage.embedded.SharedInfrastructure;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.ProblemType;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.TextEvent;
import io.triage.service.KafkaClients;
import io.triage.stream.batch.LabelRoutes;
import io.triage.stream.config.StreamAppSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.triage.stream.config.StreamAppSettings.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A multi-label artifact in the stream app on the real broker and registry: each result carries the labels that
 * apply, and routing sends each event to the topic of every one of them, exactly once, and to no other.
 */
class MultiLabelRoutingIntegrationTest {
    private static final List<String> LABELS = List.of("toxic", "insult", "threat");

    @TempDir
    Path dir;

    @Test
    void anEventWithTwoLabelsGoesToBothLabelTopicsOnce() throws Exception {
        // thresholds 0 make toxic and insult apply to every text; threat's is set to 1 by the setting (a sigmoid
        // of this untrained head never reaches it), so it applies to none
        Path artifact = dir.resolve("multi");
        try (ClassifierModel model = ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(LABELS)
                .withProblemType(ProblemType.MULTI_LABEL), Device.cpu())) {
            model.setThresholds(List.of(0f, 0f, 0.5f));
            ModelArtifact.save(model, artifact, null);
        }
        String prefix = "ml.";
        String bootstrap = SharedInfrastructure.kafka().bootstrapServers();
        String registryUrl = SharedInfrastructure.registry().apiV2Url();
        Map<String, String> settings = new HashMap<>(KafkaFixture.appSettings(bootstrap, registryUrl, "ml"));
        settings.putAll(Map.of(TOPIC_INPUT, prefix + "in", TOPIC_OUTPUT, prefix + "out", TOPIC_DEAD_LETTER,
                prefix + "dlq", TOPIC_ROUTE_PREFIX, prefix + "out.", ROUTING_ENABLED, "true", MODEL_SOURCE,
                artifact.toString(), MODEL_LABEL_THRESHOLDS, "threat=1", HTTP_PORT, "-1",
                "kafka.state.dir", dir.resolve("state").toString()));
        int n = 12;
        try (TriageStreamApp app = TriageStreamApp.start(StreamAppSettings.of(settings))) {
            StreamAppIntegrationTest.assertEventually(app::isReady, Duration.ofSeconds(60), "the app becomes ready");
            try (KafkaProducer<byte[], TextEvent> producer = KafkaClients.producer(bootstrap,
                    KafkaClients.avroSerializer(registryUrl))) {
                for (int i = 0; i < n; i++) {
                    producer.send(new ProducerRecord<>(prefix + "in", ("k" + i).getBytes(StandardCharsets.UTF_8),
                            TextEvent.newBuilder().setId("m" + i).setText("you are awful, message " + i)
                                    .setEventTime(Instant.now()).setAttributes(Map.of()).build()));
                }
            }
            List<ConsumerRecord<byte[], ClassifiedEvent>> results = read(prefix + "out", n, registryUrl);
            assertEquals(n, results.size(), "one result per event");
            for (ConsumerRecord<byte[], ClassifiedEvent> r : results) {
                assertEquals(List.of("toxic", "insult"), r.value().getLabels());
                assertEquals(LABELS.size(), r.value().getScores().size());
            }
            for (String label : List.of("toxic", "insult")) {
                List<ConsumerRecord<byte[], ClassifiedEvent>> routed = read(prefix + "out." + label, n, registryUrl);
                assertEquals(n, routed.size(), "every event exactly once in the topic of " + label);
                assertEquals(n, routed.stream().map(r -> r.value().getInputId()).distinct().count());
                for (ConsumerRecord<byte[], ClassifiedEvent> r : routed) {
                    String routeHeader = r.headers().lastHeader(LabelRoutes.ROUTE_HEADER) == null ? null
                            : new String(r.headers().lastHeader(LabelRoutes.ROUTE_HEADER).value(), StandardCharsets.UTF_8);
                    assertTrue(label.equals(r.value().getLabel()) ? routeHeader == null : label.equals(routeHeader),
                            "a copy for another label than the top one names its label: " + routeHeader);
                }
            }
            assertEquals(0, read(prefix + "out.threat", 0, registryUrl).size(), "threat applies to none");
        }
    }

    /** The committed records of {@code topic}: waits for {@code n}, then two seconds more for any extra one. */
    private static List<ConsumerRecord<byte[], ClassifiedEvent>> read(String topic, int n, String registryUrl) {
        try (KafkaConsumer<byte[], ClassifiedEvent> reader = KafkaClients.committedReader(
                SharedInfrastructure.kafka().bootstrapServers(), topic, KafkaClients.avroDeserializer(registryUrl))) {
            List<ConsumerRecord<byte[], ClassifiedEvent>> records =
                    KafkaClients.readUntil(reader, r -> r.size() >= n, Duration.ofSeconds(90));
            KafkaClients.readUntil(reader, r -> false, Duration.ofSeconds(2), records);
            return records;
        }
    }
}
