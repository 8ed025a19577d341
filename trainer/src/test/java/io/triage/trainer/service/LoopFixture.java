package io.triage.trainer.service;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.schemas.ClassifiedEvent;
import io.triage.service.KafkaClients;
import io.triage.service.trust.SigningKeys;
import io.triage.stream.TriageStreamApp;
import io.triage.stream.config.StreamAppSettings;
import io.triage.training.train.PhraseData;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.triage.trainer.service.Feedback.awaitUntil;

/** A stream app beside the trainer, on the shared broker and registry: its settings, and plain-text inputs for it. */
final class LoopFixture {
    private LoopFixture() {}

    /** A stream app reading {@code <prefix>in} as plain text, trusting the trainer tests' update key. */
    static Map<String, String> streamApp(String prefix, Path dir, EmbeddedKafka kafka, EmbeddedRegistry registry) {
        Map<String, String> app = new HashMap<>(Map.of(
                StreamAppSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                StreamAppSettings.REGISTRY_URL, registry.apiV2Url(),
                StreamAppSettings.APPLICATION_ID, prefix + "app",
                StreamAppSettings.TOPIC_INPUT, prefix + "in",
                StreamAppSettings.TOPIC_OUTPUT, prefix + "out",
                StreamAppSettings.TOPIC_DEAD_LETTER, prefix + "dlq",
                StreamAppSettings.TOPIC_MODEL_UPDATES, prefix + "updates",
                StreamAppSettings.INPUT_FORMAT, "text",
                StreamAppSettings.MODEL_LABELS, String.join(",", PhraseData.LABELS),
                StreamAppSettings.HTTP_PORT, "-1"));
        app.put("kafka.state.dir", dir.resolve("streams").toString());
        app.put(StreamAppSettings.UPDATE_TRUSTED_KEYS, SigningKeys.inline(TrainerServiceIntegrationTest.UPDATE_KEYS.getPublic()));
        return app;
    }

    /** Sends {@code texts} to {@code topic}, keyed {@code <keyPrefix><index>}. */
    static void sendTexts(String bootstrap, String topic, String keyPrefix, List<String> texts) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < texts.size(); i++) {
                producer.send(new ProducerRecord<>(topic, keyPrefix + i, texts.get(i)));
            }
        }
    }

    /**
     * A stream app and the trainer, started with these settings, and a read_committed reader of the outputs: returned
     * once the trainer's first version, trained on 200 feedback phrases, serves. The trainer can be stopped and
     * started again with the same settings (its snapshot and model store stay).
     */
    static final class ServingV1 implements AutoCloseable {
        private final TriageStreamApp streamApp;
        private final Map<String, String> trainerSettings;
        private final KafkaConsumer<byte[], ClassifiedEvent> outputs;
        private TriageTrainer trainer;

        private ServingV1(TriageStreamApp streamApp, Map<String, String> trainerSettings,
                          KafkaConsumer<byte[], ClassifiedEvent> outputs) {
            this.streamApp = streamApp;
            this.trainerSettings = Map.copyOf(trainerSettings);
            this.outputs = outputs;
        }

        static ServingV1 start(String prefix, EmbeddedKafka kafka, EmbeddedRegistry registry, Map<String, String> app,
                               Map<String, String> trainer) throws Exception {
            TriageStreamApp streamApp = TriageStreamApp.start(StreamAppSettings.of(app));
            ServingV1 loop = null;
            try {
                loop = new ServingV1(streamApp, trainer, KafkaClients.committedReader(kafka.bootstrapServers(),
                        prefix + "out", KafkaClients.avroDeserializer(registry.apiV2Url())));
                TriageTrainer trainerService = loop.startTrainer();
                awaitUntil(streamApp::isReady, Duration.ofSeconds(60), "the stream app serves its bootstrap model");
                awaitUntil(trainerService::isReady, Duration.ofSeconds(60), "the trainer reads feedback");
                Feedback.sendPhrases(kafka.bootstrapServers(), registry.apiV2Url(), prefix + "feedback", "f", 200, 7);
                awaitUntil(() -> streamApp.metrics().modelUpdateCount("swapped") == 1, Duration.ofSeconds(300),
                        "the stream app swaps to v1");
                return loop;
            } catch (Exception | Error e) {
                if (loop != null) {
                    loop.close();
                } else {
                    streamApp.close();
                }
                throw e;
            }
        }

        TriageStreamApp streamApp() {
            return streamApp;
        }

        /** The running trainer; null while stopped. */
        TriageTrainer trainer() {
            return trainer;
        }

        KafkaConsumer<byte[], ClassifiedEvent> outputs() {
            return outputs;
        }

        void stopTrainer() {
            if (trainer != null) {
                trainer.close();
                trainer = null;
            }
        }

        /** Starts the trainer (again) with its settings. */
        TriageTrainer startTrainer() throws Exception {
            stopTrainer();
            trainer = TriageTrainer.start(TrainerSettings.of(trainerSettings));
            return trainer;
        }

        @Override
        public void close() {
            outputs.close();
            stopTrainer();
            streamApp.close();
        }
    }
}
