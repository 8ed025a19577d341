package io.triage.trainer.service;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.LabeledExample;
import io.triage.service.KafkaClients;
import io.triage.stream.TriageStreamApp;
import io.triage.stream.config.StreamAppSettings;
import io.triage.trainer.rollback.AutoRollback;
import io.triage.training.train.PhraseData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.triage.trainer.service.Feedback.awaitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Automatic rollback end to end, on the real broker and registry: v1 serves, live labels agree with it; v2 serves,
 * live labels disagree with it; the trainer publishes v1 again and the stream app's outputs carry v1 once more.
 */
class RollbackIntegrationTest {
    private static final int LIVE_LABELS = 30;

    @TempDir
    Path dir;

    @Test
    void aVersionWorseOnLiveLabelsIsRolledBackAndTheOutputsShowThePreviousVersion() throws Exception {
        EmbeddedKafka kafka = SharedInfrastructure.kafka();
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        String prefix = "rollback.";
        Map<String, String> app = LoopFixture.streamApp(prefix, dir, kafka, registry);
        app.put(StreamAppSettings.ARTIFACT_ALLOWED_URIS, dir.resolve("models").toUri().toString());
        Map<String, String> trainer = TrainerServiceIntegrationTest.settings(prefix, dir);
        trainer.put(TrainerSettings.PROMOTION_TOLERANCE, "1"); // v2 is published whatever its held-out score
        trainer.put(TrainerSettings.TOPIC_OUTPUT, prefix + "out");
        trainer.put(TrainerSettings.ROLLBACK_MIN_LABELS, String.valueOf(LIVE_LABELS));
        trainer.put(TrainerSettings.ROLLBACK_TOLERANCE, "0.2");

        try (LoopFixture.ServingV1 loop = LoopFixture.ServingV1.start(prefix, kafka, registry, app, trainer)) {
            TriageStreamApp streamApp = loop.streamApp();
            TriageTrainer trainerService = loop.trainer();
            KafkaConsumer<byte[], ClassifiedEvent> outputs = loop.outputs();
            List<ConsumerRecord<byte[], ClassifiedEvent>> seen = new ArrayList<>();

            List<ClassifiedEvent> servedByV1 = serve(kafka, prefix, outputs, seen, "a", 11);
            assertTrue(servedByV1.stream().allMatch(e -> e.getModelVersion().equals("v1")), "v1 serves");
            sendLiveLabels(kafka, registry, prefix, trainerService, seen.size(), servedByV1, true);
            awaitUntil(() -> score(trainerService, "v1") == LIVE_LABELS, Duration.ofSeconds(60),
                    "v1 is scored on its live labels");

            trainerService.requestRetrain();
            awaitUntil(() -> streamApp.metrics().modelUpdateCount("swapped") == 2, Duration.ofSeconds(300),
                    "the stream app swaps to v2");
            List<ClassifiedEvent> servedByV2 = serve(kafka, prefix, outputs, seen, "b", 12);
            assertTrue(servedByV2.stream().allMatch(e -> e.getModelVersion().equals("v2")), "v2 serves");
            assertTrue(trainerService.lastRollback().isEmpty(), "no rollback before v2's live labels");

            long decidingLabelSent = sendLiveLabels(kafka, registry, prefix, trainerService, seen.size(),
                    servedByV2, false);
            awaitUntil(() -> trainerService.lastRollback().isPresent(), Duration.ofSeconds(60), "the rollback");
            long rollbackPublished = System.currentTimeMillis();
            AutoRollback.Rollback rollback = trainerService.lastRollback().orElseThrow();
            assertEquals("v2", rollback.from());
            assertEquals("v1", rollback.to());
            assertEquals("v1", rollback.published().getVersion());
            assertNotNull(rollback.published().getSignature(), "published through the signed path");

            // inputs keep arriving; the first output of v1 again shows the rollback reached the stream app
            ClassifiedEvent firstRolledBack = null;
            List<String> more = texts(LIVE_LABELS, 13);
            for (int round = 0; firstRolledBack == null && round < 60; round++) {
                LoopFixture.sendTexts(kafka.bootstrapServers(), prefix + "in", "c" + round + "-", more.subList(0, 1));
                int from = seen.size();
                KafkaClients.readUntil(outputs, r -> r.size() > from, Duration.ofSeconds(5), seen);
                firstRolledBack = seen.subList(from, seen.size()).stream().map(ConsumerRecord::value)
                        .filter(e -> e.getModelVersion().equals("v1")).findFirst().orElse(null);
            }
            assertNotNull(firstRolledBack, "an output of v1 after the rollback");
            // counted just after the swap, so an output of v1 may come first
            awaitUntil(() -> streamApp.metrics().modelUpdateCount("swapped") == 3, Duration.ofSeconds(10),
                    "the stream app swapped back");
            String scrape = trainerService.registry().scrape();
            assertTrue(scrape.contains("triage_trainer_rollbacks_total{from_version=\"v2\",model=\"triage\","
                    + "to_version=\"v1\"} 1.0"), scrape);
            assertTrue(scrape.contains("triage_trainer_live_accuracy{model=\"triage\",version=\"v1\"} 1.0"), scrape);
            assertTrue(scrape.contains("triage_trainer_live_accuracy{model=\"triage\",version=\"v2\"} 0.0"), scrape);
            System.out.printf("ROLLBACK v2 -> v1: %s; deciding label acknowledged -> rollback published: %d ms; "
                    + "-> first v1 output classified: %d ms%n", rollback.reason(), rollbackPublished - decidingLabelSent,
                    firstRolledBack.getClassifiedAt().toEpochMilli() - decidingLabelSent);
        }
    }

    private static List<String> texts(int n, long seed) {
        return PhraseData.sample(n, seed).examples().stream().map(e -> e.input().text()).toList();
    }

    /** Sends fresh phrases and returns the results, once the trainer has read them too. */
    private static List<ClassifiedEvent> serve(EmbeddedKafka kafka, String prefix,
                                               KafkaConsumer<byte[], ClassifiedEvent> outputs,
                                               List<ConsumerRecord<byte[], ClassifiedEvent>> seen, String keyPrefix,
                                               long seed) {
        int from = seen.size();
        LoopFixture.sendTexts(kafka.bootstrapServers(), prefix + "in", keyPrefix, texts(LIVE_LABELS, seed));
        KafkaClients.readUntil(outputs, r -> r.size() >= from + LIVE_LABELS, Duration.ofSeconds(120), seen);
        assertEquals(from + LIVE_LABELS, seen.size());
        return seen.subList(from, seen.size()).stream().map(ConsumerRecord::value).toList();
    }

    /**
     * Feedback for served events, keyed by their input ids: the label the version gave ({@code agree}) or another one.
     *
     * @return when the last (deciding) label was acknowledged, epoch millis
     */
    private static long sendLiveLabels(EmbeddedKafka kafka, EmbeddedRegistry registry, String prefix,
                                       TriageTrainer trainer, int resultsSoFar, List<ClassifiedEvent> served,
                                       boolean agree)
            throws InterruptedException {
        awaitUntil(() -> trainer.servedResults().orElseThrow().read() >= resultsSoFar, Duration.ofSeconds(60),
                "the trainer read the results, so a label is never earlier than its result");
        Map<String, String> labels = new HashMap<>();
        try (KafkaProducer<byte[], LabeledExample> producer = KafkaClients.producer(kafka.bootstrapServers(),
                KafkaClients.avroSerializer(registry.apiV2Url()))) {
            for (ClassifiedEvent e : served) {
                String label = agree ? e.getLabel() : PhraseData.LABELS.stream()
                        .filter(l -> !l.equals(e.getLabel())).findFirst().orElseThrow();
                labels.put(e.getInputId(), label);
                producer.send(new ProducerRecord<>(prefix + "feedback", e.getInputId().getBytes(StandardCharsets.UTF_8),
                        Feedback.labeled(e.getInputId(), "live text " + e.getInputId(), label)));
            }
            producer.flush();
        }
        assertEquals(served.size(), labels.size(), "one label per served event");
        return System.currentTimeMillis();
    }

    private static long score(TriageTrainer trainer, String version) {
        return trainer.liveAccuracy().orElseThrow().score(version).labels();
    }
}
