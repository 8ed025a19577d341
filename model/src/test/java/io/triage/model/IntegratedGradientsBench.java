package io.triage.model;

import ai.djl.Device;
import io.triage.model.config.ModelOverrides;
import io.triage.model.explain.Attribution;
import io.triage.model.explain.Baseline;
import io.triage.model.explain.IntegratedGradients;
import io.triage.model.explain.LabeledText;
import io.triage.model.explain.NearestExamples;
import io.triage.model.infer.CpuThreads;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.TextInput;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Milliseconds per explanation on the bundled MiniLM (3 labels, 64 steps as the console runs it), for a short
 * text and one of about 100 tokens (or {@code 34 × repeats + 2}), with the machine's load average. Manual: {@code mvn -B -o -q -pl model test
 * -Dtest=IntegratedGradientsBench -Dtriage.bench=true [-Dtriage.bench.runs=3 -Dtriage.bench.steps=64
 * -Dtriage.bench.perPass=64 -Dtriage.bench.threads=1
 * -Dtriage.bench.shortOnly=true -Dtriage.bench.repeats=7
 * -Dtriage.bench.nearest=500]} (the last: also the nearest of that many examples, as the console's first <i>Why?</i>); process CPU time too, as other builds share the cores.
 */
class IntegratedGradientsBench {
    static final TextInput SHORT = TextInput.of("the parcel arrived broken and late");
    /** 34 tokens a repeat: 3 repeats make 104 with [CLS] and [SEP] */
    static final String CLAUSE = "the parcel arrived two weeks late, the box was crushed on one side "
            + "and the charger inside did not work at all, so I called support twice and nobody answered; ";

    @Test
    void millisecondsPerExplanation() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("triage.bench"), "manual benchmark: -Dtriage.bench=true");
        int runs = Integer.getInteger("triage.bench.runs", 3);
        int steps = Integer.getInteger("triage.bench.steps", 64);
        String[] perPasses = System.getProperty("triage.bench.perPass", "" + IntegratedGradients.DEFAULT_STEPS_PER_PASS)
                .split(",");
        String[] threadCounts = System.getProperty("triage.bench.threads", "0").split(",");
        TextInput longer = TextInput.of(CLAUSE.repeat(Integer.getInteger("triage.bench.repeats", 3)));
        List<TextInput> inputs = Boolean.getBoolean("triage.bench.shortOnly") ? List.of(SHORT) : List.of(SHORT, longer);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ModelOverrides labels = ModelOverrides.NONE.withLabels(List.of("complaint", "praise", "question"));
        try (ClassifierModel model = ModelLoader.loadBundled(labels, Device.cpu())) {
            new IntegratedGradients(model, steps, 8, Baseline.PAD).explain(SHORT); // warm-up
            int examples = Integer.getInteger("triage.bench.nearest", 0);
            for (int r = 0; r < (examples > 0 ? runs : 0); r++) {
                for (String threadCount : threadCounts) {
                    CpuThreads.useOnThisThread(CpuThreads.resolve(Integer.parseInt(threadCount)));
                    List<LabeledText> labeled = new ArrayList<>();
                    for (int i = 0; i < examples; i++) {
                        labeled.add(new LabeledText(TextInput.of(CLAUSE.substring(i % 40) + " number " + i), "praise"));
                    }
                    double load = os.getSystemLoadAverage();
                    long cpu = os.getProcessCpuTime();
                    long start = System.nanoTime();
                    new NearestExamples(model).find(SHORT, labeled.iterator(), 5);
                    System.out.printf("IG-BENCH nearest examples=%d threads=%s ms=%d cpuMs=%d load=%.1f%n", examples,
                            threadCount, (System.nanoTime() - start) / 1_000_000,
                            (os.getProcessCpuTime() - cpu) / 1_000_000, load);
                }
            }
            for (TextInput input : inputs) {
                for (int r = 0; r < runs; r++) {
                    // configurations take turns, so the machine's load falls on all of them alike
                    for (String threadCount : threadCounts) {
                        int threads = Integer.parseInt(threadCount);
                        CpuThreads.useOnThisThread(CpuThreads.resolve(threads));
                        for (String perPassText : perPasses) {
                            int perPass = Integer.parseInt(perPassText);
                            IntegratedGradients ig = new IntegratedGradients(model, steps, perPass, Baseline.PAD);
                            double load = os.getSystemLoadAverage();
                            long cpu = os.getProcessCpuTime();
                            long start = System.nanoTime();
                            Attribution a = ig.explain(input);
                            long ms = (System.nanoTime() - start) / 1_000_000;
                            long cpuMs = (os.getProcessCpuTime() - cpu) / 1_000_000;
                            System.out.printf("IG-BENCH tokens=%d steps=%d perPass=%d threads=%d ms=%d cpuMs=%d "
                                    + "gap=%.2e load=%.1f%n", a.tokens().size(), steps, perPass, threads, ms, cpuMs,
                                    a.maxAbsoluteGap(), load);
                        }
                    }
                }
            }
        }
    }
}
