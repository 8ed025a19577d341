package io.triage.model.gpucheck;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.config.DeviceSpec;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The GPU check: one run that exercises Triage's model path on a device — {@code model.device} parsing, loading,
 * fp32 and fp16 inference (fp16 with fp32 LayerNorm and softmax), full fine-tuning — and writes every figure to
 * {@code gpu-check.json} and {@code gpu-check.tsv}. {@code deploy/gpu/device-check.sh} runs it on the lent GPU
 * machine; on any machine it runs against the CPU too ({@code --device cpu}), which is how it is rehearsed.
 *
 * <p>Sections, in order, each with a share of the time budget (time one leaves goes to the next): environment,
 * smoke (operations vs the CPU), parity, throughput, first call per new shape, memory over load/close cycles,
 * training. A section that fails is recorded and the next one runs. With {@code --probe} only environment and
 * smoke run and the exit code says whether the device computes correctly: the script's test of a JNI library.
 */
public final class GpuCheck {
    /** Exit code of a run whose figures show the device computing something else than the CPU or transformers. */
    public static final int WRONG_RESULTS = 3;

    private final CheckOptions options;
    private boolean parityOk = true;
    private boolean deviceSettingOk = true;
    private final CheckReport report;
    private final Deadline deadline;

    private GpuCheck(CheckOptions options) throws java.io.IOException {
        this.options = options;
        this.report = new CheckReport(options.out());
        this.deadline = new Deadline(options.deadlineSeconds());
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    /**
     * Runs the check; returns the exit code: 0 when it ran, the device agrees with the CPU and with transformers and
     * the device setting resolved; {@value #WRONG_RESULTS} when it ran but one of these failed; 1 when the engine or
     * device is unusable; 2 for bad arguments. With {@code --probe}: 0 when the operations agree with the CPU.
     */
    public static int run(String[] args) throws Exception {
        CheckOptions options;
        try {
            options = CheckOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("gpu-check: " + e.getMessage());
            return 2;
        }
        return new GpuCheck(options).run();
    }

    private int run() throws Exception {
        Device device;
        try {
            device = environment();
        } catch (RuntimeException | LinkageError e) {
            report.section("environment").put("error", String.valueOf(e));
            report.fact("environment", "error", String.valueOf(e));
            report.flush();
            e.printStackTrace();
            return 1;
        }
        boolean smokeOk = DeviceSmoke.run(device, report);
        System.out.println("smoke: device operations " + (smokeOk ? "agree" : "DO NOT agree") + " with the cpu");
        if (options.probe()) {
            return smokeOk ? 0 : WRONG_RESULTS;
        }
        Engine.getEngine("PyTorch").setRandomSeed(42);
        byte[] tokenizerJson = Files.readAllBytes(options.tokenizer());
        List<ModelShape> shapes = options.shapes().stream().map(ModelShape::of).toList();
        Map<ModelShape, Path> artifacts = new LinkedHashMap<>();
        for (ModelShape shape : shapes) {
            artifacts.put(shape, shape.artifact(options.work(), tokenizerJson, options.seqLen()));
        }
        ModelShape first = shapes.get(0);

        List<Section> sections = new ArrayList<>();
        sections.add(new Section(ParityCheck.SECTION, 2, budget -> {
            for (ModelShape shape : shapes) {
                parityOk &= ParityCheck.triageModel(shape, artifacts.get(shape), device, options.precisions(),
                        ModelShape.randomBatch(8, options.seqLen(), 3), report);
            }
            if (options.reference() != null && Files.exists(options.reference().resolve("reference.json"))) {
                parityOk &= ParityCheck.transformersCheckpoints(options.reference(), options.tokenizer(),
                        options.work(), device, report);
            } else {
                report.fact(ParityCheck.SECTION, "transformers", "no reference.json: Python side did not run");
            }
        }));
        sections.add(new Section(ThroughputBench.SECTION, 5, budget -> {
            int runs = shapes.size() * options.precisions().size();
            int done = 0;
            for (ModelShape shape : shapes) {
                for (String p : options.precisions()) {
                    // each model and precision gets an equal share of what is left
                    Deadline share = new Deadline(budget.remainingSeconds() / (runs - done++));
                    try (TextClassifier classifier = Classifiers.load(artifacts.get(shape), device, precision(p))) {
                        ThroughputBench.rows(shape, p, classifier, options.batches(), options.seqLen(),
                                options.rowSeconds(), share, report);
                    }
                }
            }
        }));
        sections.add(new Section(ThroughputBench.FIRST_CALL_SECTION, 0.5, budget -> {
            String p = options.precisions().get(0);
            try (TextClassifier classifier = Classifiers.load(artifacts.get(first), device, precision(p))) {
                ThroughputBench.firstCalls(first, p, classifier, 8, options.firstCallSeqLens(), budget, report);
            }
        }));
        sections.add(new Section(LoadCycles.SECTION, 1.5, budget -> LoadCycles.run(first, artifacts.get(first), device,
                precision(options.precisions().get(options.precisions().size() - 1)), options.cycles(),
                ModelShape.randomBatch(64, options.seqLen(), 11), budget, report)));
        sections.add(new Section(TrainingBench.SECTION, 2, budget -> {
            for (int i = 0; i < shapes.size(); i++) {
                ModelShape shape = shapes.get(i);
                Deadline share = new Deadline(budget.remainingSeconds() / (shapes.size() - i));
                try {
                    TrainingBench.run(shape, artifacts.get(shape), device, options.trainBatch(), options.seqLen(),
                            Math.min(options.trainSeconds(), share.remainingSeconds() / 2), share, report);
                } catch (RuntimeException e) { // one model failing (out of memory, say) leaves the next to try
                    report.section(TrainingBench.SECTION).putObject(shape.id()).put("error", String.valueOf(e));
                    report.fact(TrainingBench.SECTION, shape.id() + " error", String.valueOf(e));
                    report.flush();
                }
            }
        }));
        runAll(sections.stream().filter(s -> options.sections().contains(s.name())).toList());
        report.section("environment").put("seconds_left", deadline.remainingSeconds());
        report.flush();
        return smokeOk && parityOk && deviceSettingOk ? 0 : WRONG_RESULTS;
    }

    /** Runs the sections in order, each within its weight's share of the time left. */
    private void runAll(List<Section> sections) {
        double weightLeft = sections.stream().mapToDouble(Section::weight).sum();
        for (Section s : sections) {
            double seconds = deadline.remainingSeconds() * s.weight() / weightLeft;
            weightLeft -= s.weight();
            if (seconds < 1) {
                report.skipped(s.name(), "time budget");
                continue;
            }
            long start = System.nanoTime();
            System.out.printf(Locale.ROOT, "== %s (budget %.0f s)%n", s.name(), seconds);
            try {
                s.body().run(new Deadline(seconds));
            } catch (Exception | LinkageError e) {
                parityOk &= !s.name().equals(ParityCheck.SECTION); // parity that could not be checked is no parity
                report.section(s.name()).put("error", String.valueOf(e));
                report.fact(s.name(), "error", String.valueOf(e));
                e.printStackTrace();
            }
            report.section(s.name()).put("seconds", (System.nanoTime() - start) / 1e9);
            report.flush();
        }
    }

    /** What the engine and the {@code model.device} setting say; returns the device to test. */
    private Device environment() {
        Engine engine = Engine.getEngine("PyTorch");
        ObjectNode env = report.section("environment");
        int gpus = engine.getGpuCount();
        env.put("pytorch_version", engine.getVersion()).put("libtorch", LibUtils.getLibtorchPath())
                .put("features", String.join(",", JniUtils.getFeatures())).put("gpu_count", gpus)
                .put("java", System.getProperty("java.version")).put("cores", Runtime.getRuntime().availableProcessors())
                .put("intra_op_threads", JniUtils.getNumThreads());
        if (gpus > 0) {
            env.put("cuda_runtime", CudaUtils.getCudaVersionString()).put("compute_capability",
                    CudaUtils.getComputeCapability(0)).put("gpu_memory_mb", CudaUtils.getGpuMemory(Device.gpu(0)).getMax() >> 20);
        }
        Device auto = DeviceSpec.parse("auto");
        Device device;
        try {
            device = DeviceSpec.parse(options.device());
        } catch (IllegalArgumentException e) {
            String s = options.device().trim().toLowerCase(Locale.ROOT);
            if (!JniUtils.getFeatures().contains("CUDA") || !s.startsWith("gpu")) {
                throw e;
            }
            // libtorch sees CUDA where DJL's GPU count (libcudart through JNA) does not: a finding about the
            // setting, but the device itself can still be measured
            env.put("device_setting_error", e.getMessage());
            deviceSettingOk = false;
            device = Device.gpu(s.contains(":") ? Integer.parseInt(s.substring(s.indexOf(':') + 1)) : 0);
        }
        env.put("device_setting", options.device()).put("device", device.toString()).put("auto_device", auto.toString());
        env.fields().forEachRemaining(e -> report.fact("environment", e.getKey(), e.getValue().asText()));
        report.flush();
        System.out.println("environment: " + env);
        return device;
    }

    private static Precision precision(String name) {
        return Precision.valueOf(name.toUpperCase(Locale.ROOT));
    }

    @FunctionalInterface
    private interface Body {
        void run(Deadline budget) throws Exception;
    }

    private record Section(String name, double weight, Body body) {}
}
