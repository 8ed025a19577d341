package io.triage.model.config;

/**
 * How large a model Triage agrees to build or read. A model folder may come from anyone: these bounds turn a
 * hostile or mistaken config.json or weights file into a clear error before memory is allocated for it.
 */
public final class ModelLimits {
    public static final int MAX_HIDDEN_SIZE = 16_384;
    public static final int MAX_LAYERS = 128;
    public static final int MAX_HEADS = 256;
    public static final int MAX_INTERMEDIATE_SIZE = 65_536;
    public static final int MAX_VOCAB_SIZE = 1_000_000;
    public static final int MAX_POSITIONS = 65_536;
    public static final int MAX_TYPE_VOCAB_SIZE = 1_024;
    public static final int MAX_LABELS = 10_000;

    /** Bytes of float32 weights: the default bound on a weights file's tensor data and on an encoder's size. */
    public static final long MAX_WEIGHT_BYTES = 8L << 30;

    /**
     * Values in one tensor: its float32 copy must fit one Java array and one DJL buffer, whose sizes are
     * {@code int} byte counts.
     */
    public static final long MAX_TENSOR_VALUES = Integer.MAX_VALUE / Float.BYTES;

    private ModelLimits() {}
}
