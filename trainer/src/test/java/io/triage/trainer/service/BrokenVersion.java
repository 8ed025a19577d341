package io.triage.trainer.service;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triage.model.ClassifierModel;
import io.triage.model.config.HeadType;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelLoader;
import io.triage.model.train.TrainingMode;
import io.triage.schemas.ModelUpdate;
import io.triage.service.KafkaClients;
import io.triage.service.trust.UpdateSigner;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A deliberately broken version for shadow trials: a published version whose output bias is pushed so far towards
 * its last label that it answers that label for every input (its weights otherwise unchanged), announced as a
 * candidate through the trainer's own publishing path, signed with the trainer tests' key.
 */
final class BrokenVersion {
    private static final String MODEL = "triage";

    private BrokenVersion() {}

    /**
     * Saves {@code version}, built from {@code from} in the model store, and announces it as a candidate.
     *
     * @return the announced (signed) update
     */
    static ModelUpdate publish(Path store, String bootstrap, String registryUrl, String topic, String from,
                               String version) throws Exception {
        Path source = store.resolve(MODEL).resolve(from);
        JsonNode metrics = new ObjectMapper().readTree(source.resolve("metrics.json").toFile());
        try (ClassifierModel model = ModelLoader.loadFolder(source, ModelOverrides.NONE.withName(MODEL)
                .withVersion(version), Device.cpu());
             Producer<String, ModelUpdate> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                     new StringSerializer(), KafkaClients.<ModelUpdate>avroSerializer(registryUrl))) {
            int labels = model.config().labels().size();
            float[] bias = new float[labels];
            bias[labels - 1] = 1000f; // far beyond any logit the trained head produces: this label always wins
            model.namedParameters().get(HeadType.OUT + ".bias").getArray().set(bias);
            ModelPublisher publisher = new ModelPublisher(store, "", MODEL, producer, topic,
                    new ModelStorePruner(store.resolve(MODEL), 10),
                    Optional.of(new UpdateSigner(TrainerServiceIntegrationTest.UPDATE_KEYS.getPrivate())))
                    .announcingCandidates();
            return publisher.publish(model, metrics, Map.of(), from, TrainingMode.HEAD, Optional.empty());
        }
    }
}
