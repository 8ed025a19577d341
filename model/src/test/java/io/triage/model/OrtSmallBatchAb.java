package io.triage.model;

import ai.djl.Device;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.triage.model.config.ModelOverrides;
import io.triage.model.infer.InferenceEngine;
import io.triage.model.io.ModelLoader;
import io.triage.model.onnx.ClassifierGraph;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;
import io.triage.model.text.TextTokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A/B of ONNX Runtime graph and session variants at small batches, in one process so the machine's load falls on
 * all of them alike (rows take turns pass by pass). Manual: {@code mvn -B -o -q -pl model test -Dtest=OrtSmallBatchAb
 * -Dtriage.ab=true [-Dtriage.ab.count=64 -Dtriage.ab.runs=3 -Dtriage.ab.batches=1,8]}; texts sorted by length.
 */
class OrtSmallBatchAb {
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
        Map<String, OrtSession> rows = new LinkedHashMap<>();
        try (ClassifierModel model = ModelLoader.loadBundled(ModelOverrides.NONE, Device.cpu())) {
            TextTokenizer tokenizer = model.tokenizer();
            List<TextInput> sorted = new ArrayList<>(texts);
            sorted.sort(Comparator.comparingInt(t -> tokenizer.encodeEach(List.of(t)).get(0).length()));
            byte[] peer;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
                peer = in.readAllBytes();
            }
            // each row has its own session, so its pool's idle threads spin (or not) against the rows after it
            byte[] raw = ClassifierGraph.export(model, ClassifierGraph.AttentionForm.FUSED_2D_MASK);
            byte[] lengths = ClassifierGraph.export(model, ClassifierGraph.AttentionForm.FUSED_KEY_LENGTHS);
            byte[] unfused = ClassifierGraph.export(model, ClassifierGraph.AttentionForm.UNFUSED);
            Map<String, String> spin = Map.of();
            Map<String, String> noSpin = Map.of("session.intra_op.allow_spinning", "0");
            rows.put("peer, bench's options (intra=cores)", env.createSession(peer, plain(cores)));
            rows.put("peer, Triage's options", env.createSession(peer, triage(cores, spin)));
            rows.put("peer, Triage's options, no spinning", env.createSession(peer, triage(cores, noSpin)));
            rows.put("Triage 2-D mask", env.createSession(raw, triage(cores, spin)));
            rows.put("Triage key lengths", env.createSession(lengths, triage(cores, spin)));
            rows.put("Triage unfused", env.createSession(unfused, triage(cores, spin)));
            rows.put("Triage 2-D mask, no spinning", env.createSession(raw, triage(cores, noSpin)));
            rows.put("Triage key lengths, no spinning", env.createSession(lengths, triage(cores, noSpin)));
            rows.put("Triage unfused, no spinning", env.createSession(unfused, triage(cores, noSpin)));
            rows.put("Triage key lengths, 1 thread", env.createSession(lengths, triage(1, noSpin)));
            System.out.printf("A/B: %d texts sorted by length, %d cores, %d timed passes (median), sentences/s%n",
                    count, cores, runs);
            for (int batch : batchSizes) {
                List<EncodedBatch> batches = new ArrayList<>();
                for (int i = 0; i < sorted.size(); i += batch) {
                    batches.add(tokenizer.encodeBatch(sorted.subList(i, Math.min(sorted.size(), i + batch))));
                }
                Map<String, double[]> rates = new LinkedHashMap<>();
                rows.forEach((name, s) -> rates.put(name, new double[runs]));
                List<Map.Entry<String, OrtSession>> order = new ArrayList<>(rows.entrySet());
                for (int r = -1; r < runs; r++) { // pass -1 warms up; each pass starts one row later
                    java.util.Collections.rotate(order, 1);
                    for (Map.Entry<String, OrtSession> row : order) {
                        long start = System.nanoTime();
                        for (EncodedBatch b : batches) {
                            run(env, row.getValue(), b);
                        }
                        if (r >= 0) {
                            rates.get(row.getKey())[r] = count / ((System.nanoTime() - start) / 1e9);
                        }
                    }
                }
                double peerRate = median(rates.values().iterator().next());
                rates.forEach((name, v) -> System.out.printf("batch %2d  %-40s %8.1f  %5.2fx%n", batch, name,
                        median(v), median(v) / peerRate));
            }
            float worst = 0;
            for (TextInput t : texts) {
                EncodedBatch b = tokenizer.encodeBatch(List.of(t, texts.get(0)));
                float[] a = run(env, rows.get("Triage 2-D mask"), b);
                for (String other : List.of("Triage key lengths", "Triage unfused")) {
                    float[] k = run(env, rows.get(other), b);
                    for (int i = 0; i < a.length; i++) {
                        worst = Math.max(worst, Math.abs(a[i] - k[i]));
                    }
                }
            }
            System.out.printf("key lengths and unfused vs 2-D mask: max |logit difference| %.2e%n", worst);
        } finally {
            for (OrtSession s : rows.values()) {
                s.close();
            }
        }
    }

    private static OrtSession.SessionOptions plain(int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        return o;
    }

    private static OrtSession.SessionOptions triage(int threads, Map<String, String> config) throws OrtException {
        OrtSession.SessionOptions o = plain(threads);
        o.setInterOpNumThreads(1);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        for (Map.Entry<String, String> e : config.entrySet()) {
            o.addConfigEntry(e.getKey(), e.getValue());
        }
        return o;
    }

    private static float[] run(OrtEnvironment env, OrtSession session, EncodedBatch batch) throws OrtException {
        long[] shape = {batch.size(), batch.seqLen()};
        Map<String, long[]> feeds = Map.of(ClassifierGraph.INPUT_IDS, batch.ids(),
                ClassifierGraph.TOKEN_TYPE_IDS, batch.typeIds(), ClassifierGraph.ATTENTION_MASK, batch.mask());
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, long[]> feed : feeds.entrySet()) {
                inputs.put(feed.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(feed.getValue()), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer buffer = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] out = new float[buffer.remaining()];
                buffer.get(out);
                return out;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
