package io.triage.model.infer;

import ai.djl.ndarray.types.DataType;

/**
 * Inference precision; weights are stored in fp32 and cast once when a classifier is built.
 *
 * <p>There is no bf16: DJL 0.35.1's PyTorch JNI maps only DJL data types 0..8 to torch types, and asking it
 * for {@code BFLOAT16} (ordinal 11) ends in a bare C++ {@code throw;} that aborts the whole JVM.
 */
public enum Precision {
    FP32(DataType.FLOAT32),
    FP16(DataType.FLOAT16);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }
}
