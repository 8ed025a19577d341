package io.triage.trainer.service;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.schemas.ClassifiedEvent;
import io.triage.service.KafkaClients;
import io.triage.stream.TriageStreamApp;
import io.triage.stream.config.StreamAppSettings;
import io.triage.trainer.shadow.ShadowFigures;
import io.triage.trainer.shadow.ShadowJudge;
import io.triage.training.train.PhraseData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.triage.trainer.service.Feedback.awaitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * promotion.mode=shadow end to end, on the real broker and registry: v1 serves at once (nothing to compare it
 * with), v2 is announced as a candidate, runs beside v1 on the live events, passes its trial and serves.
 */
class ShadowTrialIntegrationTest {
    private static final int WINDOW = 30;

    @TempDir
    Path dir;

    @Test
    void aGoodCandidatePassesItsShadowTrialAndServes() throws Exception {
        EmbeddedKafka kafka = SharedInfrastructure.kafka();
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        String prefix = "shadow.";
        Map<String, String> app = LoopFixture.streamApp(prefix, dir, kafka, registry);
        app.put(StreamAppSettings.ARTIFACT_ALLOWED_URIS, dir.resolve("models").toUri().toString());
        app.put(StreamAppSettings.SHADOW_SAMPLE, "1");
        app.put(StreamAppSettings.SHADOW_REPORT_MS, "200");
        app.put(StreamAppSettings.TOPIC_SHADOW_REPORTS, prefix + "shadow-reports");
        Map<String, String> trainer = TrainerServiceIntegrationTest.settings(prefix, dir);
        trainer.put(TrainerSettings.PROMOTION_TOLERANCE, "1"); // v2 is announced whatever its held-out score
        trainer.put(TrainerSettings.PROMOTION_MODE, "shadow");
        trainer.put(TrainerSettings.TOPIC_SHADOW_REPORTS, prefix + "shadow-reports");
        trainer.put(TrainerSettings.SHADOW_WINDOW_EVENTS, String.valueOf(WINDOW));
        // bounds a retrained version on the same data meets: this test is about the path, not the thresholds
        trainer.put(TrainerSettings.SHADOW_MIN_AGREEMENT, "0.3");
        trainer.put(TrainerSettings.SHADOW_MAX_LABEL_SHARE_CHANGE, "0.6");

        try (LoopFixture.ServingV1 loop = LoopFixture.ServingV1.start(prefix, kafka, registry, app, trainer)) {
            TriageStreamApp streamApp = loop.streamApp();
            TriageTrainer trainerService = loop.trainer();
            KafkaConsumer<byte[], ClassifiedEvent> outputs = loop.outputs();

            trainerService.requestRetrain();
            awaitUntil(() -> streamApp.metrics().modelUpdateCount("candidate") == 1, Duration.ofSeconds(300),
                    "v2 is announced as a candidate and its trial starts");
            assertEquals(1, streamApp.metrics().modelUpdateCount("swapped"), "a candidate is not served");

            List<ConsumerRecord<byte[], ClassifiedEvent>> seen = new ArrayList<>();
            List<String> texts = PhraseData.sample(WINDOW, 12).examples().stream().map(e -> e.input().text()).toList();
            LoopFixture.sendTexts(kafka.bootstrapServers(), prefix + "in", "a", texts);
            KafkaClients.readUntil(outputs, r -> r.size() >= WINDOW, Duration.ofSeconds(120), seen);
            assertTrue(seen.stream().allMatch(r -> r.value().getModelVersion().equals("v1")), "v1 serves the trial");

            awaitUntil(() -> trainerService.lastShadowVerdict().isPresent(), Duration.ofSeconds(120), "the verdict");
            ShadowJudge.Verdict verdict = trainerService.lastShadowVerdict().orElseThrow();
            assertEquals("v2", verdict.version());
            assertTrue(verdict.promoted(), verdict.toString());
            awaitUntil(() -> streamApp.metrics().modelUpdateCount("swapped") == 2, Duration.ofSeconds(120),
                    "the promoted v2 serves");
            int from = seen.size();
            LoopFixture.sendTexts(kafka.bootstrapServers(), prefix + "in", "b", texts.subList(0, 5));
            KafkaClients.readUntil(outputs, r -> r.size() >= from + 5, Duration.ofSeconds(120), seen);
            assertTrue(seen.subList(from, seen.size()).stream().allMatch(r -> r.value().getModelVersion().equals("v2")),
                    "outputs carry v2");
            String scrape = trainerService.registry().scrape();
            assertTrue(scrape.contains("triage_trainer_shadow_promoted_total{model=\"triage\"} 1.0"), scrape);
            ShadowFigures f = verdict.figures();
            System.out.printf("SHADOW v2 beside v1: %d events, agreement %.4f, mean confidence %.4f, failures %d, "
                    + "candidate labels %s, serving labels %s%n", f.events(), f.agreement(), f.meanConfidence(),
                    f.failures(), Arrays.toString(f.candidateLabels()), Arrays.toString(f.servingLabels()));
        }
    }
}
