package io.triage.model;

import ai.djl.Device;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.triage.model.config.ModelOverrides;
import io.triage.model.infer.BatchSplit;
import io.triage.model.infer.InferenceEngine;
import io.triage.model.io.ModelLoader;
import io.triage.model.onnx.ClassifierGraph;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;
import io.triage.model.text.TextTokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A/B of ONNX Runtime graph forms and ways to run a batch, in one process so the machine's load falls on all of
 * them alike: the rows take turns batch by batch, each batch starting one row later. Every session has Triage's
 * options (intra-op threads = cores unless it is a "split" row's single-threaded one; no spinning); the first row,
 * the peer as {@code bench model} runs it, is 1.00x. "split" rows cut each batch into sub-batches of similar length
 * ({@link BatchSplit}) that the calling thread and cores - 1 pool threads take in turn, as the serving path does.
 * Besides sentences/s each row prints the process's CPU time per sentence: on a machine busy with other work that
 * is what a row costs. Manual: {@code mvn -B -o -q -pl model test -Dtest=OrtSmallBatchAb -Dtriage.ab=true
 * [-Dtriage.ab.count=128 -Dtriage.ab.runs=3 -Dtriage.ab.batches=8,32,64]}; texts sorted by length, as grouped.
 */
class OrtSmallBatchAb {
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** One way of computing a batch's logits, flat [B × labels] in the batch's row order. */
    private interface Row {
        float[] logits(EncodedBatch batch) throws Exception;
    }

    @Test
    void smallBatchVariants() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("triage.ab"), "manual benchmark: -Dtriage.ab=true");
        int count = Integer.getInteger("triage.ab.count", 64);
        int runs = Integer.getInteger("triage.ab.runs", 3);
        int[] batchSizes = Arrays.stream(System.getProperty("triage.ab.batches", "1,8").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int cores = Runtime.getRuntime().availableProcessors();
        List<TextInput> texts = Files.readAllLines(Path.of(System.getProperty("triage.ab.texts",
                        "../../shared/datasets/emotion/validation.txt"))).stream().limit(count)
                .map(l -> TextInput.of(l.substring(0, Math.max(0, l.lastIndexOf(';'))))).toList();
        OrtEnvironment env = InferenceEngine.onnxRuntimeEnvironment();
        List<OrtSession> sessions = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, cores - 1));
        Map<String, Row> rows = new LinkedHashMap<>();
        try (ClassifierModel model = ModelLoader.loadBundled(ModelOverrides.NONE, Device.cpu())) {
            TextTokenizer tokenizer = model.tokenizer();
            List<TextInput> sorted = new ArrayList<>(texts);
            sorted.sort(Comparator.comparingInt(t -> tokenizer.encodeEach(List.of(t)).get(0).length()));
            byte[] peer;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
                peer = in.readAllBytes();
            }
            byte[] triage = ClassifierGraph.export(model);
            byte[] fused = ClassifierGraph.export(model, ClassifierGraph.AttentionForm.FUSED_2D_MASK,
                    ClassifierGraph.EmbeddingForm.FUSED);
            OrtSession peerAll = open(env, sessions, peer, cores);
            OrtSession peerOne = open(env, sessions, peer, 1);
            OrtSession triageAll = open(env, sessions, triage, cores);
            OrtSession triageOne = open(env, sessions, triage, 1);
            OrtSession fusedAll = open(env, sessions, fused, cores);
            OrtSession fusedOne = open(env, sessions, fused, 1);
            rows.put("peer (bench's row)", b -> run(env, peerAll, b));
            rows.put("Triage, whole batch (before)", b -> run(env, triageAll, b));
            rows.put("Triage embed-LN, whole batch", b -> run(env, fusedAll, b));
            rows.put("Triage split, 1 part per core", b -> split(env, triageOne, pool, cores, BatchSplit.of(b, cores)));
            rows.put("Triage split, 2 parts per core", b -> split(env, triageOne, pool, cores, BatchSplit.of(b, 2 * cores)));
            rows.put("Triage split as served", b -> split(env, triageOne, pool, cores,
                    BatchSplit.forThreads(b, cores)));
            rows.put("Triage embed-LN split as served", b -> split(env, fusedOne, pool, cores,
                    BatchSplit.forThreads(b, cores)));
            rows.put("peer split as served", b -> split(env, peerOne, pool, cores,
                    BatchSplit.forThreads(b, cores)));
            System.out.printf("A/B: %d texts sorted by length, %d cores, %d timed passes (median); sentences/s, ratio"
                    + " vs the first row, CPU ms per sentence (all threads)%n", count, cores, runs);
            for (int batch : batchSizes) {
                List<EncodedBatch> batches = new ArrayList<>();
                for (int i = 0; i < sorted.size(); i += batch) {
                    batches.add(tokenizer.encodeBatch(sorted.subList(i, Math.min(sorted.size(), i + batch))));
                }
                Map<String, double[]> rates = new LinkedHashMap<>();
                Map<String, double[]> cpuMs = new LinkedHashMap<>();
                rows.forEach((name, r) -> rates.put(name, new double[runs]));
                rows.forEach((name, r) -> cpuMs.put(name, new double[runs]));
                List<String> order = new ArrayList<>(rows.keySet());
                for (int r = -1; r < runs; r++) { // pass -1 warms up
                    Map<String, long[]> spent = new LinkedHashMap<>(); // wall ns, process CPU ns
                    order.forEach(name -> spent.put(name, new long[2]));
                    for (EncodedBatch b : batches) { // rows take turns batch by batch, each batch starting one later
                        Collections.rotate(order, 1);
                        for (String name : order) {
                            long cpu = PROCESS.getProcessCpuTime();
                            long start = System.nanoTime();
                            rows.get(name).logits(b);
                            spent.get(name)[0] += System.nanoTime() - start;
                            spent.get(name)[1] += PROCESS.getProcessCpuTime() - cpu;
                        }
                    }
                    if (r >= 0) {
                        for (String name : order) {
                            rates.get(name)[r] = count / (spent.get(name)[0] / 1e9);
                            cpuMs.get(name)[r] = spent.get(name)[1] / 1e6 / count;
                        }
                    }
                }
                double peerRate = median(rates.values().iterator().next());
                rates.forEach((name, v) -> System.out.printf("batch %2d  %-40s %8.1f  %5.2fx  %6.2f%n", batch, name,
                        median(v), median(v) / peerRate, median(cpuMs.get(name))));
            }
            float worst = 0;
            Row reference = rows.get("Triage, whole batch (before)");
            for (int i = 0; i + 8 <= texts.size(); i += 8) {
                EncodedBatch b = tokenizer.encodeBatch(texts.subList(i, i + 8)); // unsorted: splits re-pad
                float[] a = reference.logits(b);
                for (Map.Entry<String, Row> other : rows.entrySet()) {
                    if (other.getKey().startsWith("Triage")) {
                        float[] k = other.getValue().logits(b);
                        for (int j = 0; j < a.length; j++) {
                            worst = Math.max(worst, Math.abs(a[j] - k[j]));
                        }
                    }
                }
            }
            System.out.printf("Triage rows vs Triage, whole batch: max |logit difference| %.2e%n", worst);
        } finally {
            pool.shutdownNow();
            for (OrtSession s : sessions) {
                s.close();
            }
        }
    }

    private static OrtSession open(OrtEnvironment env, List<OrtSession> sessions, byte[] graph, int threads)
            throws OrtException {
        try (OrtSession.SessionOptions options = InferenceEngine.onnxRuntimeSessionOptions(threads)) {
            OrtSession s = env.createSession(graph, options);
            sessions.add(s);
            return s;
        }
    }

    /**
     * The sub-batches of {@code split} run {@code cores} at a time: the calling thread and cores - 1 pool threads
     * each take the next part not yet taken until none is left.
     */
    private static float[] split(OrtEnvironment env, OrtSession session, ExecutorService pool, int cores,
                                 BatchSplit split) throws Exception {
        List<EncodedBatch> todo = split.parts();
        float[][][] scores = new float[todo.size()][][];
        AtomicInteger next = new AtomicInteger();
        Callable<Void> worker = () -> {
            for (int p = next.getAndIncrement(); p < todo.size(); p = next.getAndIncrement()) {
                scores[p] = rows(run(env, session, todo.get(p)), todo.get(p).size());
            }
            return null;
        };
        List<Future<Void>> helpers = new ArrayList<>();
        for (int t = 1; t < Math.min(cores, todo.size()); t++) {
            helpers.add(pool.submit(worker));
        }
        worker.call();
        for (Future<Void> h : helpers) {
            h.get();
        }
        float[][] merged = split.merge(Arrays.asList(scores));
        float[] flat = new float[Arrays.stream(merged).mapToInt(r -> r.length).sum()];
        int at = 0;
        for (float[] row : merged) { // the peer's rows are hidden states, as long as their part's padding
            System.arraycopy(row, 0, flat, at, row.length);
            at += row.length;
        }
        return flat;
    }

    private static float[][] rows(float[] flat, int batch) {
        int labels = flat.length / batch;
        float[][] out = new float[batch][];
        for (int i = 0; i < batch; i++) {
            out[i] = Arrays.copyOfRange(flat, i * labels, (i + 1) * labels);
        }
        return out;
    }

    private static float[] run(OrtEnvironment env, OrtSession session, EncodedBatch batch) throws OrtException {
        return OrtRuns.run(env, session, batch);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
