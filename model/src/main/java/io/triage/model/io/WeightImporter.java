package io.triage.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelType;
import io.triage.model.nn.SequenceClassifier;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Overwrites a {@link ClassifierModel}'s weights with a checkpoint's: copies the tensors into its initialized
 * {@link SequenceClassifier}, matching Hugging Face names.
 *
 * <p>Accepts both bare encoders ({@code embeddings.*}) and {@code *ForSequenceClassification} checkpoints
 * ({@code bert.embeddings.*}). Every encoder tensor must be present with the right shape; the head is
 * optional — a checkpoint without a compatible one (a plain encoder, or BERT's single-linear classifier)
 * keeps the freshly initialized head. Which tensor fills which parameter is decided from names and shapes
 * alone, so a safetensors file is checked against the model before any tensor is read, and tensors the
 * model does not use (a pooler, say) are never read.
 */
public final class WeightImporter {
    private WeightImporter() {}

    /** What the import did not use or did not find. */
    public record Report(boolean headImported, Set<String> unusedTensors) {}

    /** Which checkpoint tensor fills each parameter (parameter name → tensor name), and what is left over. */
    private record Plan(Map<String, String> sources, Report report) {}

    /**
     * Overwrites the model's weights with those of a safetensors file, checked against the model before any tensor
     * is read; only the tensors the model uses are read, one at a time, on {@code scratch}.
     */
    public static Report importInto(ClassifierModel model, SafetensorsWeights checkpoint, NDManager scratch)
            throws IOException {
        Plan plan = plan(model, checkpoint.shapes());
        checkpoint.requireReadable(plan.sources().values());
        Map<String, Parameter> params = model.namedParameters();
        for (Map.Entry<String, String> e : plan.sources().entrySet()) {
            try (NDArray source = checkpoint.read(e.getValue(), scratch)) { // one tensor in memory at a time
                copy(source, params.get(e.getKey()));
            }
        }
        return plan.report();
    }

    /** Overwrites the model's weights with tensors already in memory (e.g. read from ONNX). */
    public static Report importInto(ClassifierModel model, Map<String, NDArray> checkpoint) throws IOException {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        checkpoint.forEach((name, array) -> shapes.put(name, array.getShape()));
        Plan plan = plan(model, shapes);
        Map<String, Parameter> params = model.namedParameters();
        for (Map.Entry<String, String> e : plan.sources().entrySet()) {
            copy(checkpoint.get(e.getValue()), params.get(e.getKey()));
        }
        return plan.report();
    }

    private static Plan plan(ClassifierModel model, Map<String, Shape> checkpoint) throws IOException {
        ModelType type = model.config().encoder().modelType();
        Set<String> unused = new TreeSet<>(checkpoint.keySet());
        Map<String, Parameter> params = model.namedParameters();
        List<String> headNames = params.keySet().stream().filter(n -> n.startsWith(SequenceClassifier.HEAD_PREFIX)).toList();
        boolean headPresent = headNames.stream().allMatch(n -> checkpoint.containsKey(n)
                && checkpoint.get(n).equals(params.get(n).getArray().getShape()));

        Map<String, String> sources = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String canonical = e.getKey();
            boolean isHead = canonical.startsWith(SequenceClassifier.HEAD_PREFIX);
            if (isHead && !headPresent) {
                continue;
            }
            String name = type.checkpointName(canonical);
            String key = checkpoint.containsKey(name) ? name : type.checkpointPrefix() + name;
            Shape source = checkpoint.get(key);
            if (source == null) {
                throw new IOException("checkpoint lacks tensor '" + name + "' needed by a " + type.hfName() + " encoder");
            }
            Shape target = e.getValue().getArray().getShape();
            if (!source.equals(target)) {
                throw new IOException("tensor '" + key + "' has shape " + source + " but the configured model needs "
                        + target + " (config.json does not match the weights)");
            }
            sources.put(canonical, key);
            unused.remove(key);
        }
        return new Plan(sources, new Report(headPresent, unused));
    }

    private static void copy(NDArray source, Parameter target) {
        NDArray asFloat = source.getDataType() == DataType.FLOAT32 ? source : source.toType(DataType.FLOAT32, false);
        target.getArray().set(FloatBuffer.wrap(asFloat.toFloatArray()));
    }
}
