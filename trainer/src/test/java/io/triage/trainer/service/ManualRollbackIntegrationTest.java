package io.triage.trainer.service;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.schemas.ClassifiedEvent;
import io.triage.service.KafkaClients;
import io.triage.stream.TriageStreamApp;
import io.triage.stream.config.StreamAppSettings;
import io.triage.training.train.PhraseData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.triage.trainer.service.Feedback.awaitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code POST /rollback?version=} end to end, on the real broker and registry: v1 then v2 serve; hostile requests
 * (no token, GET, no version, a malformed, unknown or serving version) publish nothing; a rollback to v1 is published
 * and the stream app's outputs carry v1 again; then v2, its folder deleted from the store, is refused.
 */
class ManualRollbackIntegrationTest {
    private static final String TOKEN = "manual-rollback-token";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRequestedRollbackPublishesTheOlderVersionAndHostileRequestsPublishNothing() throws Exception {
        EmbeddedKafka kafka = SharedInfrastructure.kafka();
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        String prefix = "manualrb.";
        Map<String, String> app = LoopFixture.streamApp(prefix, dir, kafka, registry);
        app.put(StreamAppSettings.ARTIFACT_ALLOWED_URIS, dir.resolve("models").toUri().toString());
        Map<String, String> trainer = TrainerServiceIntegrationTest.settings(prefix, dir);
        trainer.put(TrainerSettings.PROMOTION_TOLERANCE, "1"); // v2 is published whatever its held-out score
        trainer.put(TrainerSettings.RETRAIN_TOKEN, TOKEN);
        trainer.put(TrainerSettings.ROLLBACK_ENABLED, "false"); // only the requested rollback happens

        try (LoopFixture.ServingV1 loop = LoopFixture.ServingV1.start(prefix, kafka, registry, app, trainer)) {
            TriageStreamApp streamApp = loop.streamApp();
            TriageTrainer trainerService = loop.trainer();
            KafkaConsumer<byte[], ClassifiedEvent> outputs = loop.outputs();
            assertEquals(409, rollback(trainerService, "?version=v1", TOKEN).statusCode(), "v1 serves");
            trainerService.requestRetrain();
            awaitUntil(() -> streamApp.metrics().modelUpdateCount("swapped") == 2, Duration.ofSeconds(300),
                    "the stream app swaps to v2");
            List<ConsumerRecord<byte[], ClassifiedEvent>> seen = new ArrayList<>();
            assertEquals("v2", firstOutputOf(kafka, prefix, outputs, seen, "v2", "b").getModelVersion());

            assertEquals(401, rollback(trainerService, "?version=v1", null).statusCode(), "no token");
            assertEquals(401, rollback(trainerService, "?version=v1", "wrong").statusCode(), "a wrong token");
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(url(trainerService, "?version=v1"))
                    .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, get.statusCode(), "POST only");
            assertRefused(trainerService, "", 400, "give the version");
            assertRefused(trainerService, "?version=", 400, "give the version");
            assertRefused(trainerService, "?version=..%2F..%2Fetc", 400, "not a version name");
            assertRefused(trainerService, "?version=v1%0Aextra", 400, "not a version name");
            assertRefused(trainerService, "?version=v9", 404, "never announced");
            assertRefused(trainerService, "?version=v2", 409, "serving now");
            assertEquals(2, streamApp.metrics().modelUpdateCount("swapped"), "nothing was published");

            HttpResponse<String> done = rollback(trainerService, "?version=v1", TOKEN);
            assertEquals(202, done.statusCode(), done.body());
            assertTrue(done.body().contains("rolled back from v2 to v1"), done.body());
            ClassifiedEvent rolledBack = firstOutputOf(kafka, prefix, outputs, seen, "v1", "c");
            assertEquals("v1", rolledBack.getModelVersion(), "the stream app serves v1 again");
            awaitUntil(() -> streamApp.metrics().modelUpdateCount("swapped") == 3, Duration.ofSeconds(10),
                    "the stream app counts the swap back (just after it serves it)");
            assertRefused(trainerService, "?version=v1", 409, "serving now");

            deleteTree(dir.resolve("models/triage/v2"));
            assertRefused(trainerService, "?version=v2", 404, "no longer in the model store");
        }
    }

    private static void deleteTree(Path folder) throws java.io.IOException {
        try (var files = Files.walk(folder)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private void assertRefused(TriageTrainer trainer, String query, int status, String because) throws Exception {
        HttpResponse<String> response = rollback(trainer, query, TOKEN);
        assertEquals(status, response.statusCode(), query + ": " + response.body());
        assertTrue(response.body().contains(because), query + ": " + response.body());
    }

    private HttpResponse<String> rollback(TriageTrainer trainer, String query, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(trainer, query))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI url(TriageTrainer trainer, String query) {
        return URI.create("http://127.0.0.1:" + trainer.httpPort() + TriageTrainer.ROLLBACK_PATH + query);
    }

    /** Sends one text at a time until an output of {@code version} comes back; that output. */
    private static ClassifiedEvent firstOutputOf(EmbeddedKafka kafka, String prefix,
                                                 KafkaConsumer<byte[], ClassifiedEvent> outputs,
                                                 List<ConsumerRecord<byte[], ClassifiedEvent>> seen, String version,
                                                 String keyPrefix) {
        List<String> texts = PhraseData.sample(1, 13).examples().stream().map(e -> e.input().text()).toList();
        for (int round = 0; round < 60; round++) {
            LoopFixture.sendTexts(kafka.bootstrapServers(), prefix + "in", keyPrefix + round + "-", texts);
            int from = seen.size();
            KafkaClients.readUntil(outputs, r -> r.size() > from, Duration.ofSeconds(5), seen);
            for (ConsumerRecord<byte[], ClassifiedEvent> r : seen.subList(from, seen.size())) {
                if (r.value().getModelVersion().equals(version)) {
                    return r.value();
                }
            }
        }
        return fail("no output of " + version);
    }
}
