package io.triage.model.explain;

/** A labeled example near the explained input, with the cosine similarity of their pooled features. */
public record Neighbour(LabeledText example, double similarity) {}
