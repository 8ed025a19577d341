package io.triage.stream.batch;

import io.triage.model.infer.Classification;
import io.triage.model.text.TextInput;

import java.util.List;

/** What the micro-batcher needs of a model: one call per batch, results in input order. */
public interface BatchClassifier extends AutoCloseable {
    List<Classification> classify(List<TextInput> inputs);

    String modelName();

    String modelVersion();

    /** Frees the model; called once it serves no more. */
    @Override
    default void close() {}
}
