package io.triage.cli.bench;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelLoader;
import io.triage.model.train.TrainingMode;
import io.triage.schemas.ModelUpdate;
import io.triage.service.RegistrySettings;
import io.triage.service.trust.UpdateSigner;
import io.triage.trainer.service.ModelPublisher;
import io.triage.trainer.service.ModelStorePruner;
import io.triage.trainer.service.ModelStoreRecovery;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trainer's publishing, as the chaos run needs it: the trainer's own {@link ModelPublisher} (artifact saved
 * atomically into the store, then a signed update acknowledged by the cluster) and, after a crash, its own
 * {@link ModelStoreRecovery}. Each version is the bundled encoder with a fresh head: training is not what is tested.
 * A crash mid-publish is a publisher whose producer cannot send the update ({@code max.request.size} below its
 * size), as {@code PublishCrashIntegrationTest} does it: the artifact is saved, the update never acknowledged.
 */
final class ChaosTrainer {
    private static final String MODEL = "triage";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path store;
    private final String bootstrap;
    private final String registryUrl;
    private final String topic;
    private final List<String> labels;
    private final UpdateSigner signer;
    private Optional<ModelUpdate> latest = Optional.empty();

    ChaosTrainer(Path store, String bootstrap, String registryUrl, String topic, List<String> labels,
                 UpdateSigner signer) {
        this.store = store;
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.topic = topic;
        this.labels = List.copyOf(labels);
        this.signer = signer;
    }

    /** The store's root; the fleet may fetch only from here. */
    Path store() {
        return store;
    }

    /** Publishes the next version; returns it once the cluster has acknowledged its update. */
    ChaosRun.Update publish() throws Exception {
        try (KafkaProducer<String, ModelUpdate> producer = producer(Map.of())) {
            ModelUpdate update = publishNext(publisher(producer));
            latest = Optional.of(update);
            return new ChaosRun.Update(update.getVersion(), System.currentTimeMillis());
        }
    }

    /**
     * A publish that dies between saving the artifact and the acknowledgement of its update, while the next
     * artifact is half written beside it (a second crash while saving).
     *
     * @return the version saved and never announced
     */
    String crashMidPublish() throws Exception {
        try (KafkaProducer<String, ModelUpdate> producer = producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64))) {
            ModelPublisher publisher = publisher(producer);
            String version = publisher.nextVersion(latest);
            try {
                publishNext(publisher);
            } catch (IOException expected) {
                Path unfinished = Files.createDirectories(store.resolve(MODEL).resolve(".v" + (number(version) + 1)
                        + ".tmp-chaos"));
                Files.writeString(unfinished.resolve("model.safetensors"), "half written");
                return version;
            }
            throw new IllegalStateException(version + " was announced although its update could not be sent");
        }
    }

    /**
     * What a restarted trainer does: repairs the store (the half-written artifact deleted, the saved one kept
     * unannounced), then publishes the next version under a number never used.
     */
    ChaosRun.Update restartAndPublish() throws Exception {
        ModelStoreRecovery.Report report = new ModelStoreRecovery(store.resolve(MODEL)).recover(latest, "");
        if (report.deletedUnfinished().isEmpty() || report.unannounced().isEmpty()) {
            throw new IllegalStateException("the restarted trainer did not repair its store: " + report);
        }
        return publish();
    }

    private ModelUpdate publishNext(ModelPublisher publisher) throws Exception {
        String version = publisher.nextVersion(latest);
        try (ClassifierModel model = ModelLoader.loadBundled(
                ModelOverrides.NONE.withLabels(labels).withVersion(version), Device.cpu())) {
            return publisher.publish(model, JSON.createObjectNode(), Map.of(),
                    latest.map(ModelUpdate::getVersion).orElse(null), TrainingMode.HEAD, Optional.empty());
        }
    }

    private ModelPublisher publisher(KafkaProducer<String, ModelUpdate> producer) {
        // keep every version: the chaos run checks what was saved and what was announced
        return new ModelPublisher(store, "", MODEL, producer, topic, new ModelStorePruner(store.resolve(MODEL), 100),
                Optional.of(signer));
    }

    private KafkaProducer<String, ModelUpdate> producer(Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
        c.putAll(extra);
        return new KafkaProducer<>(c, new StringSerializer(),
                RegistrySettings.avroSerializer(RegistrySettings.confluentWireFormat(registryUrl)));
    }

    private static long number(String version) {
        return Long.parseLong(version.substring(1));
    }
}
