package io.triage.model.train;

/** The two ways to adapt a pretrained encoder to a classification task. */
public enum TrainingMode {
    /** Feature extraction: the encoder is frozen and only the classification head learns. */
    HEAD,
    /** Full fine-tuning: encoder and head learn together. */
    FULL
}
