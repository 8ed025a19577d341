package io.triage.trainer.service;

import io.triage.embedded.SharedInfrastructure;
import io.triage.model.io.ModelArtifact;
import io.triage.schemas.ModelUpdate;
import io.triage.service.ModelUpdateLog;
import io.triage.service.RegistrySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.triage.trainer.service.Feedback.awaitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A trainer stopped at each point of a publish, on the real broker and registry, then a new trainer on the same
 * store: no version number is reused, nothing announced points at a missing folder, and training continues from
 * the last announced version. The failing publish is a real trainer whose real producer rejects the update
 * ({@code max.request.size} below the update's size): the artifact is saved, the update never acknowledged.
 */
class PublishCrashIntegrationTest {
    @TempDir
    Path dir;

    private static ModelUpdateLog updates(String prefix) {
        return new ModelUpdateLog(Map.of("bootstrap.servers", SharedInfrastructure.kafka().bootstrapServers()),
                RegistrySettings.confluentWireFormat(SharedInfrastructure.registry().apiV2Url()), prefix + "updates",
                "triage", TrainerServiceIntegrationTest.verifier());
    }

    private static RunOutcome runOnce(TriageTrainer trainer) throws InterruptedException {
        awaitUntil(trainer::isReady, Duration.ofSeconds(60), "the feedback consumer owns its partition");
        trainer.requestRetrain();
        awaitUntil(() -> trainer.finishedRuns() == 1, Duration.ofSeconds(240), "the run finishes");
        return trainer.lastOutcome().orElseThrow();
    }

    @Test
    void aPublishStoppedAfterSaveOrAfterSendIsRepairedByTheNextTrainer() throws Exception {
        String prefix = "crash.";
        Path model = dir.resolve("models/triage");
        Map<String, String> base = TrainerServiceIntegrationTest.settings(prefix, dir);
        base.put(TrainerSettings.RETRAIN_MIN_EXAMPLES, "100000"); // runs only when asked

        // 1. v1 is announced, and the trainer stops after the send, before pruning (keep is large: nothing pruned)
        Map<String, String> first = new java.util.HashMap<>(base);
        first.put(TrainerSettings.MODEL_STORE_KEEP, "100");
        try (TriageTrainer trainer = TriageTrainer.start(TrainerSettings.of(first))) {
            awaitUntil(trainer::isReady, Duration.ofSeconds(60), "the feedback consumer owns its partition");
            Feedback.sendPhrases(SharedInfrastructure.kafka().bootstrapServers(),
                    SharedInfrastructure.registry().apiV2Url(), prefix + "feedback", "p", 200, 1);
            awaitUntil(() -> trainer.registry().get("triage.trainer.examples").gauge().value() == 200,
                    Duration.ofSeconds(60), "the feedback is stored");
            RunOutcome v1 = runOnce(trainer);
            assertEquals(RunOutcome.Status.PROMOTED, v1.status(), v1.message());
        }
        // a crash while saving leaves a temporary folder behind
        Path unfinished = Files.createDirectories(model.resolve(".v2.tmp-1234"));
        Files.writeString(unfinished.resolve("model.safetensors"), "half written");

        // 2. the next run saves v2 and its update is never acknowledged
        Map<String, String> failing = new java.util.HashMap<>(base);
        failing.put("kafka.max.request.size", "64");
        try (TriageTrainer trainer = TriageTrainer.start(TrainerSettings.of(failing))) {
            assertFalse(Files.exists(unfinished), "the unfinished artifact is deleted at start");
            RunOutcome v2 = runOnce(trainer);
            assertEquals(RunOutcome.Status.FAILED, v2.status(), v2.message());
            assertTrue(v2.message().contains("v2 was saved"), v2.message());
        }
        assertTrue(Files.isDirectory(model.resolve("v2")), "the saved artifact stays");
        try (ModelUpdateLog updates = updates(prefix)) {
            assertEquals("v1", updates.latest().orElseThrow().getVersion(), "v2 was never announced");
        }

        // 3. a new trainer on the same store and topics, pruning down to one version
        Map<String, String> restarted = new java.util.HashMap<>(base);
        restarted.put(TrainerSettings.MODEL_STORE_KEEP, "1");
        try (TriageTrainer trainer = TriageTrainer.start(TrainerSettings.of(restarted))) {
            RunOutcome v3 = runOnce(trainer);
            assertEquals(RunOutcome.Status.PROMOTED, v3.status(), v3.message());
        }
        try (ModelUpdateLog updates = updates(prefix)) {
            List<ModelUpdate> announced = updates.acceptedNewestFirst();
            assertEquals(List.of("v3", "v1"), announced.stream().map(ModelUpdate::getVersion).toList(),
                    "v2's number is not reused and it is never announced");
            assertEquals("v1", announced.get(0).getParentVersion(), "training continues from the last announced version");
            for (ModelUpdate u : announced) {
                Path folder = Path.of(URI.create(u.getArtifactUri()));
                assertTrue(Files.isDirectory(folder), u.getVersion() + " is announced and its folder is there");
                assertEquals(u.getSha256(), ModelArtifact.sha256(folder), u.getVersion() + " is intact");
            }
        }
        assertFalse(Files.exists(model.resolve("v2")), "the unannounced v2 is pruned once beyond model.store.keep");
    }
}
