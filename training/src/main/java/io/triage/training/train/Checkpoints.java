package io.triage.training.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.triage.model.ClassifierModel;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.SafetensorsWeights;
import io.triage.model.io.WeightImporter;
import io.triage.training.eval.EpochMetrics;
import io.triage.training.eval.MetricsJson;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Per-epoch checkpoints: {@code epoch-N/} is a model artifact (written atomically by {@link ModelArtifact}),
 * {@code epoch-N.state.json} beside it says where training stood. The state file is written last, atomically,
 * so a checkpoint counts as complete only once it exists; a crash in between leaves an artifact that the next
 * save of that epoch replaces. Older checkpoints are deleted once a newer one is complete.
 *
 * <p>AdamW's moment estimates are not saved (DJL keeps them private): a resumed run continues the weights, the
 * epoch count and the learning-rate schedule, but its optimizer moments start again from zero.
 */
final class Checkpoints {
    private static final Pattern STATE = Pattern.compile("epoch-(\\d+)\\.state\\.json");

    /**
     * Where training stood after an epoch.
     *
     * @param globalStep optimizer steps taken so far
     * @param wallSeconds training time so far, over all runs
     */
    record State(int epoch, int globalStep, long seed, String mode, int trainExamples, int epochs, double wallSeconds,
            List<EpochMetrics> history) {}

    /** A complete checkpoint. */
    record Saved(Path artifact, State state) {}

    private Checkpoints() {}

    static Path artifactDir(Path dir, int epoch) {
        return dir.resolve("epoch-" + epoch);
    }

    private static Path stateFile(Path dir, int epoch) {
        return dir.resolve("epoch-" + epoch + ".state.json");
    }

    static Path save(Path dir, ClassifierModel model, JsonNode metrics, State state) throws IOException {
        Files.createDirectories(dir);
        Path artifact = artifactDir(dir, state.epoch());
        ModelArtifact.deleteRecursively(artifact); // an incomplete leftover of a crashed run: it has no state file
        ModelArtifact.save(model, artifact, metrics);
        Path tmp = dir.resolve(".epoch-" + state.epoch() + ".state.json.tmp");
        ByteBuffer json = ByteBuffer.wrap(MetricsJson.JSON.writeValueAsBytes(state));
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (json.hasRemaining()) {
                channel.write(json);
            }
            channel.force(true);
        }
        Files.move(tmp, stateFile(dir, state.epoch()), StandardCopyOption.ATOMIC_MOVE);
        for (int older = state.epoch() - 1; older >= 1; older--) {
            Files.deleteIfExists(stateFile(dir, older));
            ModelArtifact.deleteRecursively(artifactDir(dir, older));
        }
        return artifact;
    }

    /** The complete checkpoint of the highest epoch in {@code dir}, if any. */
    static Optional<Saved> latest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Optional<Integer> epoch;
        try (Stream<Path> files = Files.list(dir)) {
            epoch = files.map(p -> STATE.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1)))
                    .filter(e -> Files.isDirectory(artifactDir(dir, e)))
                    .max(Integer::compare);
        }
        if (epoch.isEmpty()) {
            return Optional.empty();
        }
        State state = MetricsJson.JSON.readValue(stateFile(dir, epoch.get()).toFile(), State.class);
        return Optional.of(new Saved(artifactDir(dir, epoch.get()), state));
    }

    /** Loads a checkpoint's weights into {@code model}, which must have the same architecture and labels. */
    static void restoreWeights(ClassifierModel model, Path artifact) throws IOException {
        try (SafetensorsWeights weights = SafetensorsWeights.open(artifact.resolve("model.safetensors"));
                NDManager scratch = model.djlModel().getNDManager().newSubManager()) {
            var report = WeightImporter.importInto(model, weights, scratch);
            if (!report.headImported()) {
                throw new IOException("checkpoint " + artifact + " has no head matching the model's "
                        + model.config().numLabels() + " labels: it belongs to another run");
            }
        }
    }
}
