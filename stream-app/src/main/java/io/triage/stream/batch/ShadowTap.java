package io.triage.stream.batch;

import io.triage.model.infer.Classification;
import io.triage.model.text.TextInput;

import java.util.List;

/**
 * Where the inference path hands its finished batches to a shadow trial (docs/guard-rails.md). Called on a stream
 * thread after the results are forwarded: it must return at once, never wait for the candidate.
 */
public interface ShadowTap {
    ShadowTap NONE = (ids, inputs, results) -> {};

    /** The events of a batch, in order; {@code results.get(i)} is null where the serving model failed. */
    void offer(List<String> ids, List<TextInput> inputs, List<Classification> results);
}
