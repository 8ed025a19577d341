package io.triage.model.config;

/** How the encoder's per-token states become one vector for the head. */
public enum Pooling {
    /** The first token's hidden state ([CLS] / {@code <s>}), as in BERT/RoBERTa sequence classifiers. */
    FIRST_TOKEN,
    /** The mask-weighted mean of all token states, as sentence-transformers (e.g. MiniLM) were trained. */
    MEAN
}
