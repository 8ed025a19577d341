package io.triage.trainer.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.triage.model.ClassifierModel;
import io.triage.model.drift.ReferenceProfile;
import io.triage.model.io.ModelArtifact;
import io.triage.model.train.TrainingMode;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.UpdateStage;
import io.triage.service.ModelUpdateLog;
import io.triage.service.trust.UpdateSigner;
import io.triage.training.report.HtmlReport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Publishes a trained version: the artifact goes to {@code <store>/<model>/<version>} atomically (temporary folder,
 * fsync, rename: {@link ModelArtifact#save}), then its {@link ModelUpdate} goes to the compacted update topic, keyed
 * by model name, and is acknowledged by all in-sync replicas. A crash before the send leaves an artifact nobody was
 * told about, never an announcement of a missing or half-written one; a failed send leaves the folder too (see
 * {@link ModelStoreRecovery} for what the next start does with it).
 *
 * <p>Public for {@code triage bench chaos}, which kills a publish half-way on purpose.
 */
public final class ModelPublisher {
    private static final Pattern NUMBERED = Pattern.compile("v(\\d+)");

    private final Path modelDir;
    private final String storeUrl;
    private final String modelName;
    private final Producer<String, ModelUpdate> producer;
    private final String topic;
    private final Optional<UpdateSigner> signer;
    private final ModelStorePruner pruner;
    /** promotion.mode=shadow: a new version is announced as a candidate first (docs/guard-rails.md). */
    private boolean shadow;

    /**
     * @param storeUrl where stream apps download the store's folders from, or empty to announce {@code file:} URIs
     * @param pruner   deletes versions beyond the store's limit once a new one is announced
     * @param signer   signs every update; empty only in the insecure mode (unsigned updates)
     */
    public ModelPublisher(Path store, String storeUrl, String modelName, Producer<String, ModelUpdate> producer, String topic,
                   ModelStorePruner pruner, Optional<UpdateSigner> signer) {
        this.modelDir = store.resolve(modelName);
        this.storeUrl = storeUrl.endsWith("/") ? storeUrl.substring(0, storeUrl.length() - 1) : storeUrl;
        this.modelName = modelName;
        this.producer = producer;
        this.topic = topic;
        this.signer = signer;
        this.pruner = pruner;
    }

    /** Announces new versions as shadow-trial candidates (promotion.mode=shadow) rather than to serve. */
    public ModelPublisher announcingCandidates() {
        this.shadow = true;
        return this;
    }

    /**
     * {@code v<N+1>} for the highest N among the latest announced version and the store's folders: unique even
     * when an earlier run saved an artifact and crashed before announcing it.
     */
    public String nextVersion(Optional<ModelUpdate> latest) throws IOException {
        long highest = latest.map(u -> number(u.getVersion())).orElse(0L);
        if (Files.isDirectory(modelDir)) {
            try (Stream<Path> folders = Files.list(modelDir)) {
                highest = Math.max(highest, folders.mapToLong(f -> number(f.getFileName().toString())).max().orElse(0));
            }
        }
        return "v" + (highest + 1);
    }

    private static long number(String version) {
        Matcher m = NUMBERED.matcher(version);
        return m.matches() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * Saves {@code model} under its configured version, with its report and, when given, the reference
     * distributions of its validation set (for the stream apps' drift metrics), and announces it.
     */
    public ModelUpdate publish(ClassifierModel model, JsonNode metrics, Map<String, Double> scores, String parentVersion,
                               TrainingMode mode, Optional<ReferenceProfile> reference)
            throws IOException, ExecutionException, InterruptedException {
        String version = model.config().version();
        Path dir = modelDir.resolve(version);
        Map<String, byte[]> extraFiles = new LinkedHashMap<>(HtmlReport.asArtifactFile(metrics));
        reference.ifPresent(r -> extraFiles.put(ReferenceProfile.FILE, r.toJson()));
        String sha256 = ModelArtifact.save(model, dir, metrics, extraFiles);
        ModelUpdate update = ModelUpdate.newBuilder()
                .setModelName(modelName)
                .setVersion(version)
                .setArtifactUri(storeUrl.isEmpty() ? dir.toUri().toString()
                        : storeUrl + "/" + modelName + "/" + version + "/")
                .setSha256(sha256)
                .setLabels(model.config().labels())
                .setMetrics(scores)
                .setParentVersion(parentVersion)
                .setTrainingMode(mode == TrainingMode.HEAD ? io.triage.schemas.TrainingMode.HEAD
                        : io.triage.schemas.TrainingMode.FULL)
                .setCreatedAt(Instant.now())
                // with no version serving from the topic (parent null) there is nothing to compare against: the
                // first version serves at once, as in direct mode
                .setStage(shadow && parentVersion != null ? UpdateStage.CANDIDATE : UpdateStage.SERVE)
                .build();
        try {
            update = send(update);
        } catch (ExecutionException | RuntimeException e) {
            // the folder stays: an unacknowledged update may still have reached the topic, and points at it
            throw new IOException(version + " was saved at " + dir + " but its update was not acknowledged ("
                    + (e instanceof ExecutionException ? e.getCause() : e) + "); the version is not announced by this "
                    + "run, its number is not reused, and the next run continues from "
                    + (parentVersion == null ? "the base model" : parentVersion), e);
        }
        pruner.prune(version, parentVersion); // only once announced: until then the previous version is the latest
        return update;
    }

    /**
     * Announces a version published before once more (a rollback): the same version, artifact and hash, signed anew,
     * so readers' replay check (by signing time) accepts it. Nothing is pruned: the store keeps what it had.
     *
     * @throws IOException when the version's folder is no longer in the store (nothing is announced then)
     */
    ModelUpdate publishAgain(ModelUpdate previous) throws IOException, ExecutionException, InterruptedException {
        Path dir = modelDir.resolve(previous.getVersion());
        if (!Files.isDirectory(dir)) {
            throw new IOException("cannot publish " + previous.getVersion() + " again: " + dir + " is gone");
        }
        return send(ModelUpdate.newBuilder(previous).setSignedAt(null).setKeyId(null).setSignature(null).build());
    }

    /**
     * Announces a candidate that passed its shadow trial to serve: the same version, artifact and hash, stage SERVE,
     * under the model's key, signed anew: the one record every stream app acts on.
     */
    public ModelUpdate promote(ModelUpdate candidate) throws ExecutionException, InterruptedException {
        return send(ModelUpdate.newBuilder(candidate).setStage(UpdateStage.SERVE).setSignedAt(null).setKeyId(null)
                .setSignature(null).build());
    }

    /**
     * Ends a rejected candidate's trial on the update topic: a tombstone under the candidate key, so that a restarted
     * trainer does not judge it again ({@link ModelUpdateLog#pendingCandidate}) and compaction drops the candidate.
     */
    public void withdrawCandidate() throws ExecutionException, InterruptedException {
        producer.send(new ProducerRecord<>(topic, ModelUpdateLog.candidateKey(modelName), null)).get();
    }

    /** Candidates go under a key of their own, so that compaction keeps the serving update (ModelUpdateLog). */
    private String key(ModelUpdate update) {
        return update.getStage() == UpdateStage.CANDIDATE ? ModelUpdateLog.candidateKey(modelName) : modelName;
    }

    /** Signs (unless unsigned updates are configured) and sends {@code update}, waiting for all in-sync replicas. */
    private ModelUpdate send(ModelUpdate update) throws ExecutionException, InterruptedException {
        ModelUpdate signed = signer.isPresent() ? signer.get().sign(update) : update;
        producer.send(new ProducerRecord<>(topic, key(signed), signed)).get();
        return signed;
    }
}
