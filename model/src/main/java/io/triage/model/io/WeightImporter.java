package io.triage.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import io.triage.model.config.ModelType;
import io.triage.model.nn.SequenceClassifier;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Copies checkpoint tensors into an initialized {@link SequenceClassifier}, matching Hugging Face names.
 *
 * <p>Accepts both bare encoders ({@code embeddings.*}) and {@code *ForSequenceClassification} checkpoints
 * ({@code bert.embeddings.*}). Every encoder tensor must be present with the right shape; the head is
 * optional — a checkpoint without a compatible one (a plain encoder, or BERT's single-linear classifier)
 * keeps the freshly initialized head.
 */
public final class WeightImporter {
    private WeightImporter() {}

    /** What the import did not use or did not find. */
    public record Report(boolean headImported, Set<String> unusedTensors) {}

    public static Report importInto(SequenceClassifier block, Map<String, NDArray> checkpoint, ModelType type)
            throws IOException {
        Set<String> unused = new TreeSet<>(checkpoint.keySet());
        Map<String, Parameter> params = block.namedParameters();
        List<String> headNames = params.keySet().stream().filter(n -> n.startsWith(SequenceClassifier.HEAD_PREFIX)).toList();
        boolean headPresent = headNames.stream().allMatch(n -> checkpoint.containsKey(n)
                && checkpoint.get(n).getShape().equals(params.get(n).getArray().getShape()));

        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String canonical = e.getKey();
            boolean isHead = canonical.startsWith(SequenceClassifier.HEAD_PREFIX);
            if (isHead && !headPresent) {
                continue;
            }
            String name = type.checkpointName(canonical);
            String key = checkpoint.containsKey(name) ? name : type.checkpointPrefix() + name;
            NDArray source = checkpoint.get(key);
            if (source == null) {
                throw new IOException("checkpoint lacks tensor '" + name + "' needed by a " + type.hfName() + " encoder");
            }
            NDArray target = e.getValue().getArray();
            if (!source.getShape().equals(target.getShape())) {
                throw new IOException("tensor '" + key + "' has shape " + source.getShape()
                        + " but the configured model needs " + target.getShape() + " (config.json does not match the weights)");
            }
            NDArray asFloat = source.getDataType() == DataType.FLOAT32 ? source : source.toType(DataType.FLOAT32, false);
            target.set(FloatBuffer.wrap(asFloat.toFloatArray()));
            unused.remove(key);
        }
        return new Report(headPresent, unused);
    }
}
