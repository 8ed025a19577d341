package io.triage.trainer.service;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.model.drift.ReferenceProfile;
import io.triage.model.io.ModelArtifact;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.FailureStage;
import io.triage.schemas.LabeledExample;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.TrainingMode;
import io.triage.service.KafkaClients;
import io.triage.service.ModelUpdateLog;
import io.triage.service.trust.SigningKeys;
import io.triage.service.trust.UpdateVerifier;
import io.triage.service.RegistrySettings;
import io.triage.training.train.PhraseData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.triage.trainer.service.Feedback.awaitUntil;
import static org.junit.jupiter.api.Assertions.*;

/** The trainer service on the real broker and registry: feedback in, versions out, bad feedback to dead letters. */
class TrainerServiceIntegrationTest {
    private static final String RETRAIN_TOKEN = "integration-test-token";
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void infrastructure() {
        kafka = SharedInfrastructure.kafka();
        registry = SharedInfrastructure.registry();
    }

    /** The trainer under test signs with this pair's private key; readers trust its public key. */
    static final KeyPair UPDATE_KEYS = SigningKeys.generate();

    static UpdateVerifier verifier() {
        return new UpdateVerifier(List.of(UPDATE_KEYS.getPublic()), false);
    }

    static Map<String, String> settings(String prefix, Path dir) {
        Map<String, String> s = new HashMap<>();
        s.put(TrainerSettings.UPDATE_SIGNING_KEY, SigningKeys.inline(UPDATE_KEYS.getPrivate()));
        s.put(TrainerSettings.BOOTSTRAP_SERVERS, SharedInfrastructure.kafka().bootstrapServers());
        s.put(TrainerSettings.REGISTRY_URL, SharedInfrastructure.registry().apiV2Url());
        s.put(TrainerSettings.TOPIC_FEEDBACK, prefix + "feedback");
        s.put(TrainerSettings.TOPIC_MODEL_UPDATES, prefix + "updates");
        s.put(TrainerSettings.TOPIC_DEAD_LETTER, prefix + "dlq");
        s.put(TrainerSettings.GROUP_ID, prefix + "trainer");
        s.put(TrainerSettings.MODEL_STORE, dir.resolve("models").toString());
        s.put(TrainerSettings.DATA_DIR, dir.resolve("data").toString());
        s.put(TrainerSettings.MODEL_LABELS, String.join(",", PhraseData.LABELS));
        s.put(TrainerSettings.RETRAIN_MIN_EXAMPLES, "150");
        s.put(TrainerSettings.HOLDOUT_FRACTION, "0.25");
        s.put(TrainerSettings.HTTP_PORT, "0");
        s.put(TrainerSettings.HTTP_BIND_ADDRESS, "127.0.0.1");
        s.put(TrainerSettings.RETRAIN_TOKEN, RETRAIN_TOKEN);
        return s;
    }

    private ModelUpdateLog updates(String prefix) {
        return new ModelUpdateLog(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                RegistrySettings.confluentWireFormat(registry.apiV2Url()), prefix + "updates", "triage", verifier());
    }

    @Test
    void feedbackBecomesVersionsThatContinueEachOtherAndBadFeedbackBecomesDeadLetters() throws Exception {
        String prefix = "tr1.";
        TrainerSettings config = TrainerSettings.of(settings(prefix, dir));
        try (TriageTrainer trainer = TriageTrainer.start(config); ModelUpdateLog updates = updates(prefix)) {
            awaitUntil(trainer::isReady, Duration.ofSeconds(60), "the feedback consumer owns its partition");
            sendBadFeedback(prefix + "feedback");
            Feedback.sendPhrases(kafka.bootstrapServers(), registry.apiV2Url(), prefix + "feedback", "p", 200, 1);

            awaitUntil(() -> trainer.finishedRuns() == 1, Duration.ofSeconds(240), "the first run finishes");
            assertEquals(RunOutcome.Status.PROMOTED, trainer.lastOutcome().orElseThrow().status(),
                    trainer.lastOutcome().orElseThrow().message());
            ModelUpdate v1 = updates.latest().orElseThrow();
            assertEquals("v1", v1.getVersion());
            assertNull(v1.getParentVersion());
            assertEquals(PhraseData.LABELS, v1.getLabels());
            assertEquals(TrainingMode.HEAD, v1.getTrainingMode());
            Path artifact = Path.of(URI.create(v1.getArtifactUri()));
            assertEquals(ModelArtifact.sha256(artifact), v1.getSha256(), "the announced hash is the artifact's");
            assertTrue(Files.readString(artifact.resolve("report.html")).contains("<svg"), "the evaluation report is in it");
            ReferenceProfile reference = ReferenceProfile.read(artifact).orElseThrow(); // drift's reference, hashed too
            assertEquals(PhraseData.LABELS, reference.labels());
            assertEquals(Math.round(200 * 0.25), reference.examples(), 20, "computed on the held-out quarter");
            assertTrue(v1.getMetrics().get("accuracy") > 0.8, "accuracy on the held-out feedback: " + v1.getMetrics());
            assertEquals(Math.round(200 * 0.75), v1.getMetrics().get("training_examples"), 20, "a quarter is held out");

            assertEquals(200, trainer.registry().get("triage.trainer.examples").gauge().value());
            assertEquals(1, countFeedback(trainer, "duplicate"));
            List<DeadLetter> letters = deadLetters(prefix + "dlq", 3);
            assertEquals(List.of("EMPTY_TEXT", "UNKNOWN_LABEL", "UNDECODABLE"),
                    letters.stream().map(l -> l.getMessage().split(":")[0]).toList());
            assertEquals(List.of(FailureStage.VALIDATE, FailureStage.VALIDATE, FailureStage.DESERIALIZE),
                    letters.stream().map(DeadLetter::getStage).toList());

            HttpRequest.Builder retrain = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + trainer.httpPort() + TriageTrainer.RETRAIN_PATH))
                    .POST(HttpRequest.BodyPublishers.noBody());
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(401, http.send(retrain.build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                    "no token, no run");
            HttpResponse<String> response = http.send(retrain.header("Authorization", "Bearer " + RETRAIN_TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, response.statusCode());
            awaitUntil(() -> trainer.finishedRuns() == 2, Duration.ofSeconds(240), "the requested run finishes");
            RunOutcome second = trainer.lastOutcome().orElseThrow();
            assertEquals(RunOutcome.Status.PROMOTED, second.status(), second.message());
            ModelUpdate v2 = updates.latest().orElseThrow();
            assertEquals("v2", v2.getVersion());
            assertEquals("v1", v2.getParentVersion(), "training continues the current version");
            assertTrue(second.current() > 0.8, "v1 was scored on the same evaluation set: " + second.message());
        }

        try (TriageTrainer restarted = TriageTrainer.start(config)) {
            assertEquals(200, restarted.registry().get("triage.trainer.examples").gauge().value(),
                    "the snapshot survives the restart");
            awaitUntil(restarted::isReady, Duration.ofSeconds(60), "the restarted consumer owns its partition");
            Thread.sleep(2_000);
            assertEquals(0, restarted.finishedRuns(), "no new feedback, no run");
        }
        assertTrue(Files.isDirectory(dir.resolve("models/triage/v2")));
    }

    private static double countFeedback(TriageTrainer trainer, String outcome) {
        var counter = trainer.registry().find("triage.trainer.feedback").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    /** An empty text, an unknown label, bytes that are no Avro record, and a re-delivery of the first phrase. */
    private static void sendBadFeedback(String topic) {
        try (KafkaProducer<byte[], LabeledExample> producer = KafkaClients.producer(kafka.bootstrapServers(),
                KafkaClients.avroSerializer(registry.apiV2Url()));
             KafkaProducer<byte[], byte[]> raw = KafkaClients.rawProducer(kafka.bootstrapServers())) {
            producer.send(new ProducerRecord<>(topic, Feedback.labeled("bad-1", " ", "praise")));
            producer.send(new ProducerRecord<>(topic, Feedback.labeled("bad-2", "where is my refund", "refund")));
            producer.flush();
            raw.send(new ProducerRecord<>(topic, "not avro".getBytes(StandardCharsets.UTF_8)));
            raw.flush();
            producer.send(new ProducerRecord<>(topic, Feedback.labeled("p0",
                    PhraseData.sample(1, 1).examples().get(0).input().text(),
                    PhraseData.LABELS.get(PhraseData.sample(1, 1).examples().get(0).label()))));
        }
    }

    private static List<DeadLetter> deadLetters(String topic, int n) {
        try (KafkaConsumer<byte[], DeadLetter> reader = KafkaClients.committedReader(kafka.bootstrapServers(), topic,
                KafkaClients.avroDeserializer(registry.apiV2Url()))) {
            return KafkaClients.readUntil(reader, r -> r.size() >= n, Duration.ofSeconds(30)).stream()
                    .map(ConsumerRecord::value).toList();
        }
    }
}
