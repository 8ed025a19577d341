package io.triage.trainer.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triage.embedded.SharedInfrastructure;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.LabeledExample;
import io.triage.schemas.ModelUpdate;
import io.triage.service.KafkaClients;
import io.triage.service.ModelUpdateLog;
import io.triage.service.RegistrySettings;
import io.triage.training.data.Dataset;
import io.triage.training.data.Example;
import io.triage.training.train.ReviewData;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.triage.trainer.service.Feedback.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multi-label feedback ({@code LabeledExample.labels}) on the real broker and registry becomes a multi-label
 * version: trained with per-label BCE, scored by micro/macro F1, its artifact {@code multi_label_classification};
 * a label set with a label twice is a dead letter.
 */
class MultiLabelFeedbackIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void labelSetsInTheFeedbackTrainAMultiLabelVersion() throws Exception {
        String prefix = "ml1.";
        String bootstrap = SharedInfrastructure.kafka().bootstrapServers();
        String registryUrl = SharedInfrastructure.registry().apiV2Url();
        Map<String, String> settings = TrainerServiceIntegrationTest.settings(prefix, dir);
        settings.put(TrainerSettings.MODEL_LABELS, String.join(",", ReviewData.LABELS));
        try (TriageTrainer trainer = TriageTrainer.start(TrainerSettings.of(settings));
                ModelUpdateLog updates = new ModelUpdateLog(Map.of("bootstrap.servers", bootstrap),
                        RegistrySettings.confluentWireFormat(registryUrl), prefix + "updates", "triage",
                        TrainerServiceIntegrationTest.verifier())) {
            awaitUntil(trainer::isReady, Duration.ofSeconds(60), "the feedback consumer owns its partition");
            Dataset reviews = ReviewData.sample(200, 5);
            try (KafkaProducer<byte[], LabeledExample> producer = KafkaClients.producer(bootstrap,
                    KafkaClients.avroSerializer(registryUrl))) {
                producer.send(new ProducerRecord<>(prefix + "feedback", labelSet("twice", "late", List.of("price", "price"))));
                for (int i = 0; i < reviews.size(); i++) {
                    Example e = reviews.examples().get(i);
                    producer.send(new ProducerRecord<>(prefix + "feedback", labelSet("r" + i, e.input().text(),
                            e.labelSet().stream().map(reviews.labels()::get).toList())));
                }
            }
            awaitUntil(() -> trainer.finishedRuns() == 1, Duration.ofSeconds(240), "the first run finishes");
            RunOutcome outcome = trainer.lastOutcome().orElseThrow();
            assertEquals(RunOutcome.Status.PROMOTED, outcome.status(), outcome.message());

            ModelUpdate v1 = updates.latest().orElseThrow();
            assertEquals(ReviewData.LABELS, v1.getLabels());
            assertTrue(v1.getMetrics().get("micro_f1") > 0.8 && v1.getMetrics().get("macro_f1") > 0.7,
                    "held-out micro/macro F1: " + v1.getMetrics());
            Path artifact = Path.of(URI.create(v1.getArtifactUri()));
            JsonNode config = new ObjectMapper().readTree(artifact.resolve("config.json").toFile());
            assertEquals("multi_label_classification", config.get("problem_type").asText());
            JsonNode metrics = new ObjectMapper().readTree(artifact.resolve("metrics.json").toFile());
            assertEquals("most_frequent_label_set", metrics.at("/validation/baseline/strategy").asText());

            try (KafkaConsumer<byte[], DeadLetter> reader = KafkaClients.committedReader(bootstrap, prefix + "dlq",
                    KafkaClients.avroDeserializer(registryUrl))) {
                var letters = KafkaClients.readUntil(reader, r -> !r.isEmpty(), Duration.ofSeconds(30));
                assertEquals(1, letters.size());
                assertTrue(letters.get(0).value().getMessage().startsWith("DUPLICATE_LABEL"),
                        letters.get(0).value().getMessage());
            }
        }
    }

    private static LabeledExample labelSet(String id, String text, List<String> labels) {
        // label is not read for a multi-label example; the convention is one of the labels, or empty
        return LabeledExample.newBuilder().setId(id).setText(text).setLabel(labels.isEmpty() ? "" : labels.get(0))
                .setLabels(labels).setSource("test").build();
    }
}
