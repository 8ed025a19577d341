package io.triage.model.gpucheck;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.bench.ProcessMemory;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.text.EncodedBatch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Memory over repeated load → classify → close cycles, as model updates do in the stream app: a leak of weights or
 * cast copies on the device shows up as GPU memory that grows cycle after cycle. After each close PyTorch's
 * caching allocator is emptied, so that what stays in use is what is really still held.
 */
final class LoadCycles {
    static final String SECTION = "memory";

    private LoadCycles() {}

    static void run(ModelShape shape, Path artifact, Device device, Precision precision, int cycles, EncodedBatch batch,
            Deadline budget, CheckReport report) throws IOException, InterruptedException {
        ObjectNode section = report.section(SECTION);
        section.put("model", shape.id()).put("precision", precision.name().toLowerCase(Locale.ROOT))
                .put("batch", batch.size()).put("seq_len", batch.seqLen());
        ArrayNode rows = section.putArray("cycles");
        try (ProcessMemory memory = new ProcessMemory()) {
            ProcessMemory.Sample before = memory.sample();
            put(rows.addObject().put("cycle", 0), before, 0);
            ProcessMemory.Sample last = before;
            double lastSeconds = 0;
            int done = 0;
            for (int cycle = 1; cycle <= cycles; cycle++) {
                if (!budget.allows(1.5 * lastSeconds + 0.5)) {
                    section.put("stopped_early", "time budget after " + done + " cycles");
                    break;
                }
                long start = System.nanoTime();
                try (TextClassifier classifier = Classifiers.load(artifact, device, precision)) {
                    classifier.probabilities(batch);
                }
                if (device.isGpu()) {
                    JniUtils.emptyCudaCache();
                }
                lastSeconds = (System.nanoTime() - start) / 1e9;
                last = memory.sample();
                put(rows.addObject().put("cycle", cycle), last, lastSeconds);
                done = cycle;
                report.flush();
            }
            section.put("cycles_done", done);
            report.figure(SECTION, "cycles", done, "");
            report.figure(SECTION, "rss before", before.rssMb(), "MB");
            report.figure(SECTION, "rss after", last.rssMb(), "MB");
            report.figure(SECTION, "gpu used before", before.gpuMb(), "MB");
            report.figure(SECTION, "gpu used after", last.gpuMb(), "MB");
            report.figure(SECTION, "live NDArrays before", before.liveArrays(), "");
            report.figure(SECTION, "live NDArrays after", last.liveArrays(), "");
            System.out.printf(Locale.ROOT, "memory: %d load/close cycles of %s %s: RSS %d -> %d MB, GPU %d -> %d MB,"
                    + " live NDArrays %d -> %d%n", done, shape.id(), precision, before.rssMb(), last.rssMb(),
                    before.gpuMb(), last.gpuMb(), before.liveArrays(), last.liveArrays());
        }
        report.flush();
    }

    private static void put(ObjectNode row, ProcessMemory.Sample s, double seconds) {
        row.put("seconds", seconds).put("rss_mb", s.rssMb()).put("heap_mb", s.heapMb()).put("gpu_mb", s.gpuMb())
                .put("live_ndarrays", s.liveArrays());
    }
}
