package io.triage.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.triage.model.config.ClassifierConfig;
import io.triage.model.nn.SequenceClassifier;
import io.triage.model.text.TextTokenizer;

import java.util.Map;

/**
 * A loaded classifier: configuration, tokenizer and the {@link SequenceClassifier} block with its weights,
 * held by a DJL {@link Model} (so a DJL {@code Trainer} can train it). Owns native memory: close it.
 */
public final class ClassifierModel implements AutoCloseable {
    private volatile ClassifierConfig config;
    private final TextTokenizer tokenizer;
    private final Model model;
    private final SequenceClassifier block;
    private volatile boolean headTrained;
    private volatile boolean weightsReleased;

    private ClassifierModel(ClassifierConfig config, TextTokenizer tokenizer, Model model, SequenceClassifier block) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.model = model;
        this.block = block;
    }

    /** A classifier with freshly initialized weights (N(0, 0.02), as Hugging Face initializes). */
    public static ClassifierModel create(ClassifierConfig config, byte[] tokenizerJson, Device device) {
        TextTokenizer tokenizer = new TextTokenizer(tokenizerJson, config.maxLength(), config.encoder().padTokenId());
        Model model = Model.newInstance(config.name(), device, "PyTorch");
        try {
            SequenceClassifier block = new SequenceClassifier(config);
            model.setBlock(block);
            Shape inputShape = new Shape(1, config.maxLength());
            block.initialize(model.getNDManager(), DataType.FLOAT32, inputShape, inputShape, inputShape);
            return new ClassifierModel(config, tokenizer, model, block);
        } catch (RuntimeException e) {
            model.close();
            tokenizer.close();
            throw e;
        }
    }

    public ClassifierConfig config() {
        return config;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public SequenceClassifier block() {
        requireWeights();
        return block;
    }

    /** The DJL model, for {@code Model.newTrainer}. */
    public Model djlModel() {
        requireWeights();
        return model;
    }

    /**
     * Frees the weights once another engine holds its own copy of them (ONNX Runtime's session); the
     * configuration and the tokenizer stay until {@link #close()}. The block and the DJL model are gone after this.
     */
    public synchronized void releaseWeights() {
        if (!weightsReleased) {
            weightsReleased = true;
            model.close();
        }
    }

    private void requireWeights() {
        if (weightsReleased) {
            throw new IllegalStateException("model " + config.name() + " released its PyTorch weights: it is served "
                    + "by another engine");
        }
    }

    public Device device() {
        return model.getNDManager().getDevice();
    }

    /**
     * Whether the classification head holds trained weights (imported from a classifier checkpoint, or trained
     * here); a fresh head answers at random and summaries and classifications say so.
     */
    public boolean headTrained() {
        return headTrained;
    }

    public void setHeadTrained(boolean trained) {
        this.headTrained = trained;
    }

    /**
     * Replaces a multi-label classifier's per-label thresholds (e.g. tuned on validation data), which its artifact
     * then stores; the weights are untouched.
     */
    public void setThresholds(java.util.List<Float> thresholds) {
        this.config = config.withThresholds(thresholds);
    }

    /** Every weight by its canonical Hugging Face name, in a stable order. */
    public Map<String, Parameter> namedParameters() {
        requireWeights();
        return block.namedParameters();
    }

    @Override
    public void close() {
        releaseWeights();
        tokenizer.close();
    }
}
