package io.triage.model.infer;

import ai.djl.Device;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.triage.model.config.ModelType;

import java.util.Locale;

/**
 * The engine a served model runs on: DJL's PyTorch engine (CPU or GPU, fp32 or fp16), or DJL's ONNX Runtime
 * engine on an ONNX graph derived from the same weights at load time (CPU, fp32). Training is PyTorch's alone;
 * artifacts are the same for both.
 */
public enum InferenceEngine {
    /** ONNX Runtime on the CPU in fp32, PyTorch otherwise (a GPU, or fp16). */
    AUTO,
    PYTORCH,
    ONNXRUNTIME;

    /** Parses the {@code model.engine} setting: {@code auto}, {@code pytorch} or {@code onnxruntime}. */
    public static InferenceEngine parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        for (InferenceEngine e : values()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown model engine '" + spec + "': use auto, pytorch or onnxruntime");
    }

    /**
     * The engine that serves on {@code device} in {@code precision}: {@link #AUTO} picks ONNX Runtime for fp32 on
     * the CPU; asking ONNX Runtime for a GPU or fp16 is refused (its CPU provider is the one bundled).
     */
    public InferenceEngine resolve(Device device, Precision precision) {
        boolean ortCan = Device.Type.CPU.equals(device.getDeviceType()) && precision == Precision.FP32;
        return resolve(ortCan, device, precision);
    }

    /**
     * As {@link #resolve(Device, Precision)} for a model of {@code type}: a type Triage builds no ONNX graph of
     * (DeBERTa) is served by PyTorch under {@link #AUTO}, and refused by name under {@link #ONNXRUNTIME}.
     */
    public InferenceEngine resolve(Device device, Precision precision, ModelType type) {
        if (this == ONNXRUNTIME && !type.onnxGraphAvailable()) {
            throw new IllegalArgumentException("model engine onnxruntime cannot serve a " + type.hfName()
                    + " model: Triage builds no ONNX graph of its attention; use model.engine=pytorch (or auto)");
        }
        return type.onnxGraphAvailable() ? resolve(device, precision) : PYTORCH;
    }

    private InferenceEngine resolve(boolean ortCan, Device device, Precision precision) {
        return switch (this) {
            case AUTO -> ortCan ? ONNXRUNTIME : PYTORCH;
            case PYTORCH -> PYTORCH;
            case ONNXRUNTIME -> {
                if (!ortCan) {
                    throw new IllegalArgumentException("model engine onnxruntime serves fp32 on the CPU only, not "
                            + precision.name().toLowerCase(Locale.ROOT) + " on " + device
                            + ": use model.engine=pytorch (or auto) for a GPU or fp16");
                }
                yield ONNXRUNTIME;
            }
        };
    }

    /**
     * ONNX Runtime's environment for code that calls ONNX Runtime directly (benchmarks, tests): created through
     * DJL's engine, which cannot start once anything else created it first.
     */
    public static OrtEnvironment onnxRuntimeEnvironment() {
        return OnnxRuntimeForward.environment();
    }

    /**
     * The session options Triage's own ONNX Runtime sessions use with {@code threads} intra-op threads, for code
     * that runs ONNX Runtime directly and must compare like with like (the benchmark's peer); the caller closes them.
     */
    public static OrtSession.SessionOptions onnxRuntimeSessionOptions(int threads) throws OrtException {
        return OnnxRuntimeForward.sessionOptions(threads);
    }

    /** As the setting spells it. */
    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
