package io.triage.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.triage.model.ClassifierModel;
import io.triage.model.config.HeadType;
import io.triage.model.config.ModelType;
import io.triage.model.nn.SequenceClassifier;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
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
 * ({@code bert.embeddings.*}). Every encoder tensor must be present with the right shape. The head is the one the
 * checkpoint defines ({@link HeadType}, chosen by {@link #headOf} before the model is built): a checkpoint that
 * has a classifier keeps it, and one whose classifier cannot be mapped is refused. Only a plain encoder starts
 * with an untrained head (keeping BERT's pretrained pooler, as transformers does); so does a classifier given
 * another number of labels, whose output layer cannot be reused. Which tensor fills which parameter is decided
 * from names and shapes alone, so a safetensors file is checked against the model before any tensor is read,
 * and tensors the model does not use are never read.
 */
public final class WeightImporter {
    private WeightImporter() {}

    /**
     * What the import did not use or did not find.
     *
     * @param headImported whether the whole classification head came from the checkpoint (it is trained)
     * @param freshHeadReason why the head (or its output layer) starts untrained; {@code null} when imported
     */
    public record Report(boolean headImported, Set<String> unusedTensors, String freshHeadReason) {}

    /** Which checkpoint tensor fills each parameter (parameter name → tensor name), and what is left over. */
    private record Plan(Map<String, String> sources, Report report) {}

    /**
     * The head a checkpoint defines for an encoder of {@code type}: the one transformers puts on that type, except a
     * DistilBERT Triage artifact from before heads followed the checkpoint, which carries RoBERTa's
     * ({@code classifier.dense}, tanh, {@code classifier.out_proj}) and keeps it. (BERT artifacts of that time carry
     * the same names, but BERT's head computes the same function, so they load into it.)
     */
    public static HeadType headOf(ModelType type, Set<String> tensorNames) {
        HeadType own = HeadType.of(type);
        boolean ownPresent = tensorNames.contains(own.checkpointName(HeadType.OUT + ".weight", type));
        if (type == ModelType.DISTILBERT && !ownPresent && tensorNames.contains(HeadType.OUT + ".weight")) {
            return HeadType.ROBERTA;
        }
        return own;
    }

    /**
     * Overwrites the model's weights with those of a safetensors file, checked against the model before any tensor
     * is read; only the tensors the model uses are read, one at a time, on {@code scratch}. A checkpoint counts as a
     * classifier when it holds classifier tensors.
     */
    public static Report importInto(ClassifierModel model, SafetensorsWeights checkpoint, NDManager scratch)
            throws IOException {
        return importInto(model, checkpoint, scratch, false);
    }

    /**
     * As {@link #importInto(ClassifierModel, SafetensorsWeights, NDManager)}; {@code declaresClassifier}: the
     * checkpoint's config.json says it is a sequence classifier ({@code architectures}), so it must have a head.
     */
    public static Report importInto(ClassifierModel model, SafetensorsWeights checkpoint, NDManager scratch,
            boolean declaresClassifier) throws IOException {
        Plan plan = plan(model, checkpoint.shapes(), declaresClassifier);
        checkpoint.requireReadable(plan.sources().values());
        Map<String, Parameter> params = model.namedParameters();
        for (Map.Entry<String, String> e : plan.sources().entrySet()) {
            try (NDArray source = checkpoint.read(e.getValue(), scratch)) { // one tensor in memory at a time
                copy(source, params.get(e.getKey()));
            }
        }
        model.setHeadTrained(plan.report().headImported());
        return plan.report();
    }

    /** Overwrites the model's weights with tensors already in memory (e.g. read from ONNX). */
    public static Report importInto(ClassifierModel model, Map<String, NDArray> checkpoint) throws IOException {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        checkpoint.forEach((name, array) -> shapes.put(name, array.getShape()));
        Plan plan = plan(model, shapes, false);
        Map<String, Parameter> params = model.namedParameters();
        for (Map.Entry<String, String> e : plan.sources().entrySet()) {
            copy(checkpoint.get(e.getValue()), params.get(e.getKey()));
        }
        model.setHeadTrained(plan.report().headImported());
        return plan.report();
    }

    private static Plan plan(ClassifierModel model, Map<String, Shape> checkpoint, boolean declaresClassifier)
            throws IOException {
        ModelType type = model.config().encoder().modelType();
        Set<String> unused = new TreeSet<>(checkpoint.keySet());
        Map<String, Parameter> params = model.namedParameters();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String canonical = e.getKey();
            if (canonical.startsWith(SequenceClassifier.HEAD_PREFIX)) {
                continue;
            }
            String name = type.checkpointName(canonical);
            String key = checkpoint.containsKey(name) ? name : type.checkpointPrefix() + name;
            Shape source = checkpoint.get(key);
            if (source == null) {
                throw new IOException("checkpoint lacks tensor '" + name + "' needed by a " + type.hfName() + " encoder");
            }
            requireShape(key, source, e.getValue());
            sources.put(canonical, key);
            unused.remove(key);
        }
        String freshReason = planHead(model, checkpoint, declaresClassifier, sources);
        sources.values().forEach(unused::remove);
        return new Plan(sources, new Report(freshReason == null, unused, freshReason));
    }

    /**
     * Adds the head's tensors to {@code sources}; returns why the head (or its output layer) stays untrained, or
     * {@code null} when the whole head was found.
     */
    private static String planHead(ClassifierModel model, Map<String, Shape> checkpoint, boolean declaresClassifier,
            Map<String, String> sources) throws IOException {
        ModelType type = model.config().encoder().modelType();
        HeadType head = model.config().head();
        Map<String, Parameter> params = model.namedParameters();
        // BERT artifacts Triage wrote before heads followed the checkpoint name BERT's head the RoBERTa way
        boolean legacyNames = head == HeadType.BERT && !checkpoint.containsKey(head.checkpointName(HeadType.OUT + ".weight", type))
                && checkpoint.containsKey(HeadType.OUT + ".weight");
        Map<String, String> dense = new LinkedHashMap<>();
        Map<String, String> out = new LinkedHashMap<>();
        for (String canonical : params.keySet()) {
            if (canonical.startsWith(SequenceClassifier.HEAD_PREFIX)) {
                String name = legacyNames ? canonical : headTensorName(head, type, canonical, checkpoint);
                (canonical.startsWith(HeadType.DENSE + ".") ? dense : out).put(canonical, name);
            }
        }
        boolean denseFound = dense.values().stream().allMatch(checkpoint::containsKey);
        boolean outFound = out.values().stream().allMatch(checkpoint::containsKey);
        List<String> headTensors = checkpoint.keySet().stream().filter(WeightImporter::looksLikeClassifier).sorted().toList();
        boolean isClassifier = declaresClassifier || !headTensors.isEmpty();

        if (denseFound) { // a classifier's first layer, or a plain BERT encoder's pretrained pooler
            for (Map.Entry<String, String> e : dense.entrySet()) {
                requireShape(e.getValue(), checkpoint.get(e.getValue()), params.get(e.getKey()));
                sources.put(e.getKey(), e.getValue());
            }
        }
        if (denseFound && outFound) {
            String outWeight = out.get(HeadType.OUT + ".weight");
            Shape found = checkpoint.get(outWeight);
            Shape needed = params.get(HeadType.OUT + ".weight").getArray().getShape();
            if (found.dimension() == 2 && found.get(1) == needed.get(1) && found.get(0) != needed.get(0)) {
                return "the checkpoint's classifier has " + found.get(0) + " labels and this model "
                        + needed.get(0) + ": its output layer '" + outWeight + "' starts untrained";
            }
            for (Map.Entry<String, String> e : out.entrySet()) {
                requireShape(e.getValue(), checkpoint.get(e.getValue()), params.get(e.getKey()));
                sources.put(e.getKey(), e.getValue());
            }
            return null;
        }
        if (isClassifier) {
            throw new IOException("the checkpoint is a sequence classifier ("
                    + (headTensors.isEmpty() ? "config.json architectures" : "tensors " + abbreviated(headTensors))
                    + ") but its head cannot be mapped onto " + type.classifierArchitecture() + "'s " + head.name()
                    + " head, which needs " + new ArrayList<>(dense.values()) + " and " + new ArrayList<>(out.values())
                    + "; Triage will not replace a trained classifier by an untrained one");
        }
        return denseFound
                ? "a plain encoder: its pooler '" + dense.get(HeadType.DENSE + ".weight") + "' is kept, the classifier starts untrained"
                : "a plain encoder without a classification head: the head starts untrained";
    }

    /** The checkpoint name of a head tensor: transformers' name, or BERT's pooler without the encoder prefix. */
    private static String headTensorName(HeadType head, ModelType type, String canonical, Map<String, Shape> checkpoint) {
        String name = head.checkpointName(canonical, type);
        if (!checkpoint.containsKey(name) && name.startsWith(type.checkpointPrefix())) {
            String bare = name.substring(type.checkpointPrefix().length()); // a plain BertModel's pooler
            if (checkpoint.containsKey(bare)) {
                return bare;
            }
        }
        return name;
    }

    /** Tensors only a sequence classifier has (transformers names them classifier.* or pre_classifier.*). */
    private static boolean looksLikeClassifier(String name) {
        return name.startsWith("classifier.") || name.startsWith("pre_classifier.");
    }

    private static String abbreviated(List<String> names) {
        return names.size() <= 6 ? names.toString() : names.subList(0, 6) + " and " + (names.size() - 6) + " more";
    }

    private static void requireShape(String key, Shape source, Parameter target) throws IOException {
        Shape needed = target.getArray().getShape();
        if (!source.equals(needed)) {
            throw new IOException("tensor '" + key + "' has shape " + source + " but the configured model needs "
                    + needed + " (config.json does not match the weights)");
        }
    }

    private static void copy(NDArray source, Parameter target) {
        NDArray asFloat = source.getDataType() == DataType.FLOAT32 ? source : source.toType(DataType.FLOAT32, false);
        target.getArray().set(FloatBuffer.wrap(asFloat.toFloatArray()));
    }
}
