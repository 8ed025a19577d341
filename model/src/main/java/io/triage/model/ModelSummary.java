package io.triage.model;

import ai.djl.nn.Parameter;
import io.triage.model.config.ClassifierConfig;
import io.triage.model.config.EncoderConfig;
import io.triage.model.config.HeadType;
import io.triage.model.config.Pooling;
import io.triage.model.nn.SequenceClassifier;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A readable tree of the classifier — what is encoder, what is head, how many parameters each holds —
 * for people asking "is the classifier just an MLP on the [CLS] vector?".
 */
public final class ModelSummary {
    private ModelSummary() {}

    /** Parameter counts by part: embeddings, encoder layers, classification head. */
    public static Map<String, Long> parameterCounts(ClassifierModel model) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("embeddings", 0L);
        counts.put("encoder layers", 0L);
        counts.put("classification head", 0L);
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            String part = e.getKey().startsWith("embeddings.") ? "embeddings"
                    : e.getKey().startsWith(SequenceClassifier.HEAD_PREFIX) ? "classification head" : "encoder layers";
            counts.merge(part, e.getValue().getArray().size(), Long::sum);
        }
        return counts;
    }

    public static String render(ClassifierModel model) {
        ClassifierConfig c = model.config();
        EncoderConfig e = c.encoder();
        Map<String, Long> counts = parameterCounts(model);
        long encoder = counts.get("embeddings") + counts.get("encoder layers");
        long head = counts.get("classification head");
        int h = e.hiddenSize();
        int perLayer = (int) (counts.get("encoder layers") / Math.max(1, e.numLayers()));
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%s v%s — %s encoder, %d labels %s, max %d tokens, device %s%n",
                c.name(), c.version(), e.modelType().hfName(), c.numLabels(), c.labels(), c.maxLength(), model.device()));
        s.append(String.format(Locale.ROOT, "SequenceClassifier%s%n", count(encoder + head)));
        s.append(String.format(Locale.ROOT, "├─ encoder (%s)%s%n", e.modelType().hfName(), count(encoder)));
        s.append(String.format(Locale.ROOT, "│  ├─ embeddings: word %d×%d + position %d×%d%s + LayerNorm(eps %.0e)%s%n",
                e.vocabSize(), h, e.maxPositions(), h,
                e.usesTokenTypes() ? " + token type " + e.typeVocabSize() + "×" + h : "", e.layerNormEps(),
                count(counts.get("embeddings"))));
        s.append(String.format(Locale.ROOT, "│  └─ %d × layer%s each%n", e.numLayers(), count(perLayer)));
        s.append(String.format(Locale.ROOT, "│     ├─ self-attention: %d heads × %d, query/key/value/output %d→%d, + residual, LayerNorm%n",
                e.numHeads(), e.headSize(), h, h));
        s.append(String.format(Locale.ROOT, "│     └─ feed-forward: %d→%d GELU(erf) →%d, + residual, LayerNorm%n",
                h, e.intermediateSize(), h));
        s.append(String.format(Locale.ROOT, "├─ pooling: %s → [%d]%n",
                c.pooling() == Pooling.MEAN ? "masked mean of token states" : "first token ([CLS]) state", h));
        HeadType type = c.head();
        s.append(String.format(Locale.ROOT, "└─ classification head (an MLP, %s layout)%s%s%n", type.name(), count(head),
                model.headTrained() ? "" : "  UNTRAINED"));
        s.append(String.format(Locale.ROOT, "   %sdense %d→%d → %s → dropout → out_proj %d→%d → %s%n",
                type.dropoutFirst() ? "dropout → " : "", h, h, activation(type), h, c.numLabels(),
                c.multiLabel() ? "sigmoid per label (multi-label: each label at or over its threshold "
                        + c.thresholds() + " applies)" : "softmax"));
        s.append(String.format(Locale.ROOT, "   tensors: %s%s%n", type.tensorNames(e.modelType()),
                c.headIsTransformers() ? " (" + e.modelType().classifierArchitecture() + ")"
                        : " (a Triage head that transformers' " + e.modelType().classifierArchitecture() + " does not have)"));
        s.append(String.format(Locale.ROOT, "trainable in 'head' mode: %s of %s (%.2f%%); in 'full' mode: all%n",
                human(head), human(encoder + head), 100.0 * head / (encoder + head)));
        if (!model.headTrained()) {
            s.append("WARNING: the classification head is UNTRAINED (fresh random weights, not from a classifier"
                    + " checkpoint): its answers mean nothing until it is trained\n");
        }
        if (c.pooling() == Pooling.MEAN) {
            s.append("note: transformers' ").append(e.modelType().classifierArchitecture())
                    .append(" pools the first token; this model pools the mean, so transformers would answer otherwise\n");
        }
        return s.toString();
    }

    private static String activation(HeadType type) {
        return switch (type.activation()) {
            case TANH -> "tanh";
            case RELU -> "ReLU";
            case GELU -> "GELU";
        };
    }

    private static String count(long n) {
        return "  [" + human(n) + " params]";
    }

    private static String human(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
