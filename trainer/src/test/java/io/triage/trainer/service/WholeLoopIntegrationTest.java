package io.triage.trainer.service;

import ai.djl.Device;
import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.model.config.ModelOverrides;
import io.triage.model.infer.Classification;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.AllowedLocations;
import io.triage.model.io.ArtifactFetcher;
import io.triage.model.io.FetchedArtifact;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.TextInput;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.ModelUpdate;
import io.triage.service.KafkaClients;
import io.triage.service.ModelUpdateLog;
import io.triage.service.RegistrySettings;
import io.triage.stream.TriageStreamApp;
import io.triage.stream.config.StreamAppSettings;
import io.triage.training.data.Dataset;
import io.triage.training.train.PhraseData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.triage.trainer.service.Feedback.awaitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The loop the product is about: labeled feedback → the trainer retrains (head mode) → a model update → the running
 * stream app hot-swaps → its outputs carry the new version and the new model's predictions. The stream app shares no
 * folder with the trainer here: it downloads the version from the trainer's {@code /models/} endpoint.
 */
class WholeLoopIntegrationTest {
    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void feedbackRetrainsTheModelThatTheRunningStreamAppThenServes() throws Exception {
        EmbeddedKafka kafka = SharedInfrastructure.kafka();
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        String prefix = "loop.";
        Map<String, String> app = LoopFixture.streamApp(prefix, dir, kafka, registry);
        Map<String, String> trainer = TrainerServiceIntegrationTest.settings(prefix, dir);
        int trainerPort = freePort();
        app.put(StreamAppSettings.ARTIFACT_ALLOWED_URIS, "http://127.0.0.1:" + trainerPort + "/models/");
        trainer.put(TrainerSettings.HTTP_PORT, String.valueOf(trainerPort)); // the stream app downloads versions from it
        trainer.put(TrainerSettings.MODEL_STORE_URL, "http://127.0.0.1:" + trainerPort + "/models");

        try (TriageStreamApp streamApp = TriageStreamApp.start(StreamAppSettings.of(app));
             TriageTrainer trainerService = TriageTrainer.start(TrainerSettings.of(trainer))) {
            awaitUntil(streamApp::isReady, Duration.ofSeconds(60), "the stream app serves its bootstrap model");
            awaitUntil(trainerService::isReady, Duration.ofSeconds(60), "the trainer reads feedback");

            Feedback.sendPhrases(kafka.bootstrapServers(), registry.apiV2Url(), prefix + "feedback", "f", 200, 7);
            awaitUntil(() -> streamApp.metrics().modelUpdateCount("swapped") == 1, Duration.ofSeconds(300),
                    "the stream app swaps to the trained version");

            ModelUpdate v1;
            try (ModelUpdateLog updates = new ModelUpdateLog(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    RegistrySettings.confluentWireFormat(registry.apiV2Url()), prefix + "updates", "triage",
                    TrainerServiceIntegrationTest.verifier())) {
                v1 = updates.latest().orElseThrow();
            }
            assertEquals("v1", v1.getVersion());
            assertEquals("http://127.0.0.1:" + trainerPort + "/models/triage/v1/", v1.getArtifactUri());

            Dataset fresh = PhraseData.sample(30, 99);
            List<String> texts = fresh.examples().stream().map(e -> e.input().text()).toList();
            LoopFixture.sendTexts(kafka.bootstrapServers(), prefix + "in", "t", texts);
            List<ConsumerRecord<byte[], ClassifiedEvent>> out;
            try (KafkaConsumer<byte[], ClassifiedEvent> reader = KafkaClients.committedReader(kafka.bootstrapServers(),
                    prefix + "out", KafkaClients.avroDeserializer(registry.apiV2Url()))) {
                out = KafkaClients.readUntil(reader, r -> r.size() >= texts.size(), Duration.ofSeconds(120));
            }
            assertEquals(texts.size(), out.size());

            List<Classification> expected;
            try (FetchedArtifact downloaded = new ArtifactFetcher(dir.resolve("downloads"),
                    new AllowedLocations(List.of("http://127.0.0.1:" + trainerPort + "/models/")), Long.MAX_VALUE,
                    Duration.ofMinutes(1)).fetch(v1.getArtifactUri());
                 TextClassifier v1Model = TextClassifier.of(ModelLoader.loadFolder(downloaded.folder(), ModelOverrides.NONE,
                    Device.cpu()), Precision.FP32)) {
                assertTrue(downloaded.downloaded());
                assertEquals(v1.getSha256(), ModelArtifact.sha256(downloaded.folder()), "the download is the published artifact");
                expected = v1Model.classify(texts.stream().map(TextInput::of).toList());
            }
            int correct = 0;
            for (ConsumerRecord<byte[], ClassifiedEvent> r : out) {
                int i = Integer.parseInt(new String(r.key(), StandardCharsets.UTF_8).substring(1));
                assertEquals(v1.getVersion(), r.value().getModelVersion(), "every output after the swap is v1's");
                assertEquals(expected.get(i).label(), r.value().getLabel(), "the stream app predicts what v1 predicts");
                assertEquals(expected.get(i).score(), r.value().getScore(), 1e-4);
                if (r.value().getLabel().equals(PhraseData.LABELS.get(fresh.examples().get(i).label()))) {
                    correct++;
                }
            }
            assertTrue(correct >= 27, "the trained version classifies new phrases: " + correct + "/30 correct");
        }
    }
}
