package io.triage.stream.batch;

import io.triage.model.drift.ReferenceProfile;
import io.triage.model.infer.Classification;
import io.triage.model.infer.TextClassifier;
import io.triage.model.text.TextInput;

import java.util.List;
import java.util.Optional;

/**
 * A {@link TextClassifier} behind the batch interface: each batch runs as forward passes over inputs of similar
 * token length, which cuts the compute spent on padding.
 *
 * <p>Threading: one {@link TextClassifier} serves every stream thread and its calls are serialized. On the CPU,
 * PyTorch already spreads one forward pass over all cores (intra-op threads), so concurrent passes would only
 * compete for them; on a GPU, passes queue on one device anyway. One copy of the weights also keeps memory
 * down and makes a model swap a single reference change.
 */
public final class ModelBatchClassifier implements BatchClassifier {
    private final TextClassifier classifier;
    private final int lengthGroupSize;
    private final Optional<ReferenceProfile> reference;

    public ModelBatchClassifier(TextClassifier classifier, int lengthGroupSize) {
        this(classifier, lengthGroupSize, Optional.empty());
    }

    /** @param reference the version's reference distributions from its artifact, for drift; empty without one */
    public ModelBatchClassifier(TextClassifier classifier, int lengthGroupSize, Optional<ReferenceProfile> reference) {
        this.classifier = classifier;
        this.lengthGroupSize = lengthGroupSize;
        this.reference = reference;
    }

    public Optional<ReferenceProfile> reference() {
        return reference;
    }

    @Override
    public List<Classification> classify(List<TextInput> inputs) {
        return classifier.classifyGroupedByLength(inputs, lengthGroupSize);
    }

    @Override
    public String modelName() {
        return classifier.model().config().name();
    }

    @Override
    public String modelVersion() {
        return classifier.version();
    }

    public List<String> labels() {
        return classifier.model().config().labels();
    }

    public TextClassifier textClassifier() {
        return classifier;
    }

    @Override
    public void close() {
        classifier.close();
    }
}
