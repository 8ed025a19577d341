package io.triage.trainer.service;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.FailureStage;
import io.triage.schemas.ModelUpdate;
import io.triage.service.ModelUpdateLog;
import io.triage.service.RegistrySettings;
import io.triage.service.KafkaClients;
import io.triage.stream.TriageStreamApp;
import io.triage.stream.config.StreamAppSettings;
import io.triage.trainer.shadow.ShadowJudge;
import io.triage.training.train.PhraseData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.triage.trainer.service.Feedback.awaitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * promotion.mode=shadow end to end, on the real broker and registry: v1 serves at once (nothing to compare it
 * with); a good v2 is announced as a candidate, runs beside v1 on the live events, passes its trial and serves; a
 * broken v2 is rejected while v1 keeps serving. Each prints its trial's figures (docs/guard-rails.md).
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
        Map<String, String> app = streamApp(prefix, kafka, registry);
        Map<String, String> trainer = trainer(prefix);
        trainer.put(TrainerSettings.PROMOTION_TOLERANCE, "1"); // v2 is announced whatever its held-out score
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
            assertTrue(scrape.contains("triage_trainer_shadow_verdicts_total{model=\"triage\",outcome=\"promoted\","
                    + "reason=\"none\"} 1.0"), scrape);
            assertEquals(WINDOW, streamApp.metrics().shadow().events("v2"), "triage_shadow_events_total{version=v2}");
            System.out.println("SHADOW (good version)\n" + verdict.summary());
        }
    }

    /**
     * The binding test: a version that always answers one label is announced as a candidate through the
     * real signed publishing path while no trainer runs; the stream app runs it beside v1 on the live events; a
     * trainer started afterwards resumes the trial from the update topic and the reports sent so far, and rejects
     * it (LABEL_COLLAPSED: a dead letter, the metric, the candidate withdrawn). Every output carries v1 throughout.
     */
    @Test
    void aBrokenCandidateIsRejectedByAResumedTrialWhileTheOldVersionKeepsServing() throws Exception {
        EmbeddedKafka kafka = SharedInfrastructure.kafka();
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        String prefix = "shadowbroken.";
        Map<String, String> app = streamApp(prefix, kafka, registry);
        Map<String, String> trainer = trainer(prefix); // the default bounds

        try (LoopFixture.ServingV1 loop = LoopFixture.ServingV1.start(prefix, kafka, registry, app, trainer);
             KafkaConsumer<byte[], DeadLetter> deadLetters = KafkaClients.committedReader(kafka.bootstrapServers(),
                     prefix + "dlq", KafkaClients.avroDeserializer(registry.apiV2Url()))) {
            TriageStreamApp streamApp = loop.streamApp();
            KafkaConsumer<byte[], ClassifiedEvent> outputs = loop.outputs();
            loop.stopTrainer(); // the trial runs while no trainer does: the next one must resume it

            ModelUpdate broken = BrokenVersion.publish(dir.resolve("models"), kafka.bootstrapServers(),
                    registry.apiV2Url(), prefix + "updates", "v1", "v2");
            awaitUntil(() -> streamApp.metrics().modelUpdateCount("candidate") == 1, Duration.ofSeconds(120),
                    "the broken v2 is announced as a candidate and its trial starts");
            List<ConsumerRecord<byte[], ClassifiedEvent>> seen = new ArrayList<>();
            List<String> texts = PhraseData.sample(WINDOW, 13).examples().stream().map(e -> e.input().text()).toList();
            LoopFixture.sendTexts(kafka.bootstrapServers(), prefix + "in", "a", texts);
            KafkaClients.readUntil(outputs, r -> r.size() >= WINDOW, Duration.ofSeconds(120), seen);
            awaitUntil(() -> streamApp.metrics().shadow().events("v2") >= WINDOW, Duration.ofSeconds(120),
                    "v2 classified the window beside v1");

            TriageTrainer resumed = loop.startTrainer();
            awaitUntil(() -> resumed.lastShadowVerdict().isPresent(), Duration.ofSeconds(120), "the verdict");
            ShadowJudge.Verdict verdict = resumed.lastShadowVerdict().orElseThrow();
            System.out.println("SHADOW (broken version)\n" + verdict.summary());
            assertEquals("v2", verdict.version());
            assertEquals(Optional.of("LABEL_COLLAPSED"), verdict.reason(), verdict.toString());
            assertEquals(WINDOW, verdict.figures().events(), "the reports sent before the trainer started count");

            awaitUntil(() -> !streamApp.metrics().shadow().onTrial("v2"), Duration.ofSeconds(60),
                    "the stream app drops the withdrawn candidate at once");
            int from = seen.size();
            LoopFixture.sendTexts(kafka.bootstrapServers(), prefix + "in", "b", texts.subList(0, 10));
            KafkaClients.readUntil(outputs, r -> r.size() >= from + 10, Duration.ofSeconds(120), seen);
            assertEquals(List.of("v1"), seen.stream().map(r -> r.value().getModelVersion()).distinct().toList(),
                    "every output, before and after the verdict, carries the serving version");
            assertEquals(1, streamApp.metrics().modelUpdateCount("swapped"), "the candidate was never served");

            List<ConsumerRecord<byte[], DeadLetter>> letters = KafkaClients.readUntil(deadLetters,
                    r -> r.stream().anyMatch(l -> l.value().getStage() == FailureStage.MODEL_UPDATE),
                    Duration.ofSeconds(60), new ArrayList<>());
            String letter = letters.stream().filter(l -> l.value().getStage() == FailureStage.MODEL_UPDATE)
                    .findFirst().orElseThrow().value().getMessage();
            assertTrue(letter.startsWith("LABEL_COLLAPSED: version v2"), letter);
            String scrape = resumed.registry().scrape();
            assertTrue(scrape.contains("triage_trainer_shadow_verdicts_total{model=\"triage\",outcome=\"rejected\","
                    + "reason=\"LABEL_COLLAPSED\"} 1.0"), scrape);
            try (ModelUpdateLog log = new ModelUpdateLog(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    RegistrySettings.confluentWireFormat(registry.apiV2Url()), prefix + "updates", "triage",
                    TrainerServiceIntegrationTest.verifier())) {
                assertEquals(Optional.empty(), log.pendingCandidate(), "the rejected candidate is withdrawn");
                assertEquals("v1", log.latest().orElseThrow().getVersion(), "v1 is still the serving update");
            }
            assertEquals(broken.getVersion(), verdict.version());
        }
    }

    private Map<String, String> streamApp(String prefix, EmbeddedKafka kafka, EmbeddedRegistry registry) {
        Map<String, String> app = LoopFixture.streamApp(prefix, dir, kafka, registry);
        app.put(StreamAppSettings.ARTIFACT_ALLOWED_URIS, dir.resolve("models").toUri().toString());
        app.put(StreamAppSettings.SHADOW_SAMPLE, "1");
        app.put(StreamAppSettings.SHADOW_REPORT_MS, "200");
        app.put(StreamAppSettings.TOPIC_SHADOW_REPORTS, prefix + "shadow-reports");
        return app;
    }

    /** The trainer in shadow mode, deciding on a window of {@value #WINDOW} events. */
    private Map<String, String> trainer(String prefix) {
        Map<String, String> trainer = TrainerServiceIntegrationTest.settings(prefix, dir);
        trainer.put(TrainerSettings.PROMOTION_MODE, "shadow");
        trainer.put(TrainerSettings.TOPIC_SHADOW_REPORTS, prefix + "shadow-reports");
        trainer.put(TrainerSettings.SHADOW_WINDOW_EVENTS, String.valueOf(WINDOW));
        return trainer;
    }
}
