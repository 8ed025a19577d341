package io.triage.cli.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.triage.model.bench.ProcessMemory;
import io.triage.model.config.ModelOverrides;
import io.triage.model.infer.Classification;
import io.triage.model.infer.LengthGrouping;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;
import io.triage.model.text.TextTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Sentences/s of the DJL/PyTorch classifier against ONNX Runtime on the same ONNX model and texts, in one
 * run so that the ratios hold on a noisy machine; then resident memory over many classifications.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Throughput of the DJL/PyTorch classifier vs ONNX Runtime, and memory over many classifications.")
final class BenchModelCommand implements Callable<Integer> {
    @Mixin
    BenchTexts textSource;

    @Option(names = "--count", defaultValue = "512", description = "Texts to use (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,8,32,64")
    int[] batchSizes;

    @Option(names = "--runs", defaultValue = "3", description = "Timed passes per row; the median is reported.")
    int runs;

    @Option(names = "--memory-classifications", defaultValue = "100000",
            description = "Classifications for the memory check; 0 skips it (default: ${DEFAULT-VALUE}).")
    int memoryClassifications;

    @Option(names = "--profile",
            description = "Instead of the throughput rows: where a small batch spends its time, stage by stage.")
    boolean profile;

    @Option(names = "--profile-batch-sizes", split = ",", defaultValue = "1,2,4,8",
            description = "Batch sizes for --profile (default: ${DEFAULT-VALUE}).")
    int[] profileBatchSizes;

    @Override
    public Integer call() throws Exception {
        List<TextInput> texts = textSource.read(count);
        if (profile) {
            return profile(texts);
        }
        System.out.printf(Locale.ROOT, "bench model: %d texts from %s, %d cores, %d timed passes per row (median)%n",
                texts.size(), textSource.file, Runtime.getRuntime().availableProcessors(), runs);
        try (TextClassifier fp32 = TextClassifier.of(ModelLoader.loadBundled(ModelOverrides.NONE, Device.cpu()), Precision.FP32);
                TextClassifier fp16 = TextClassifier.of(ModelLoader.loadBundled(ModelOverrides.NONE, Device.cpu()), Precision.FP16);
                OnnxRuntimeEncoder ort = new OnnxRuntimeEncoder(fp32.model().tokenizer())) {
            List<TextInput> byLength = sortedByLength(fp32, texts);
            System.out.printf(Locale.ROOT, "%-44s %6s %12s %10s%n", "engine", "batch", "sentences/s", "vs (d)");
            for (int batch : batchSizes) {
                double onnx = rate(texts, batch, ort::encode);
                double plain = rate(texts, batch, fp32::classify);
                double grouped = rate(byLength, batch, fp32::classify);
                double half = rate(texts, batch, fp16::classify);
                row("(a) DJL/PyTorch fp32", batch, plain, onnx);
                row("(b) DJL/PyTorch fp32, grouped by length", batch, grouped, onnx);
                row("(c) DJL/PyTorch fp16 (no bf16 in DJL JNI)", batch, half, onnx);
                row("(d) ONNX Runtime fp32", batch, onnx, onnx);
            }
            System.out.printf(Locale.ROOT, "fp16 vs fp32: max |score difference| over %d texts = %.2e%n",
                    texts.size(), maxScoreDifference(fp32, fp16, texts));
            if (memoryClassifications > 0) {
                memory(fp32, texts);
            }
        }
        return 0;
    }

    /** The fp32 path's stages per call at each small batch size, after a warm-up pass. */
    private int profile(List<TextInput> texts) throws IOException {
        System.out.printf(Locale.ROOT, "bench model --profile: %d texts from %s, %d cores, fp32, %d timed passes "
                        + "after one warm-up%n", texts.size(), textSource.file, Runtime.getRuntime().availableProcessors(),
                runs);
        StageProfile table = new StageProfile();
        try (TextClassifier fp32 = TextClassifier.of(
                ModelLoader.loadBundled(ModelOverrides.NONE, Device.cpu()), Precision.FP32)) {
            for (int batch : profileBatchSizes) {
                table.measure(fp32, texts, batch, runs);
            }
        }
        table.print();
        return 0;
    }

    private static void row(String name, int batch, double rate, double reference) {
        System.out.printf(Locale.ROOT, "%-44s %6d %12.1f %9.2fx%n", name, batch, rate, rate / reference);
    }

    /** Median sentences/s over {@code runs} passes after one warm-up pass. */
    private double rate(List<TextInput> texts, int batch, Pass pass) throws Exception {
        List<List<TextInput>> batches = new ArrayList<>();
        for (int i = 0; i < texts.size(); i += batch) {
            batches.add(texts.subList(i, Math.min(texts.size(), i + batch)));
        }
        for (List<TextInput> b : batches) {
            pass.run(b);
        }
        double[] rates = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            for (List<TextInput> b : batches) {
                pass.run(b);
            }
            rates[r] = texts.size() / ((System.nanoTime() - start) / 1e9);
        }
        Arrays.sort(rates);
        return rates[runs / 2];
    }

    private void memory(TextClassifier classifier, List<TextInput> texts) throws IOException {
        NDManager root = classifier.model().djlModel().getNDManager().getParentManager();
        List<TextInput> batch = texts.subList(0, Math.min(64, texts.size()));
        int arraysBefore = root.getManagedArrays().size();
        long rssBefore = ProcessMemory.residentMb();
        long start = System.nanoTime();
        int done = 0;
        while (done < memoryClassifications) {
            done += classifier.classify(batch).size();
        }
        System.gc();
        System.out.printf(Locale.ROOT, "memory: %,d classifications in %.0f s; RSS %d MB -> %d MB; live NDArrays %d -> %d%n",
                done, (System.nanoTime() - start) / 1e9, rssBefore, ProcessMemory.residentMb(), arraysBefore,
                root.getManagedArrays().size());
    }

    private static double maxScoreDifference(TextClassifier a, TextClassifier b, List<TextInput> texts) {
        double max = 0;
        for (int i = 0; i < texts.size(); i += 64) {
            List<TextInput> batch = texts.subList(i, Math.min(texts.size(), i + 64));
            List<Classification> x = a.classify(batch);
            List<Classification> y = b.classify(batch);
            for (int j = 0; j < x.size(); j++) {
                for (Map.Entry<String, Float> e : x.get(j).scores().entrySet()) {
                    max = Math.max(max, Math.abs(e.getValue() - y.get(j).scores().get(e.getKey())));
                }
            }
        }
        return max;
    }

    private static List<TextInput> sortedByLength(TextClassifier classifier, List<TextInput> texts) {
        int[] lengths = classifier.model().tokenizer().encodeEach(texts).stream().mapToInt(e -> e.length()).toArray();
        int[] order = LengthGrouping.groups(lengths, texts.size()).get(0); // one group = all, sorted by length
        return Arrays.stream(order).mapToObj(texts::get).toList();
    }

    @FunctionalInterface
    private interface Pass {
        void run(List<TextInput> batch) throws Exception;
    }

    /** The same ONNX file under ONNX Runtime, fed by the same tokenizer: the reference engine. */
    private static final class OnnxRuntimeEncoder implements AutoCloseable {
        private final TextTokenizer tokenizer;
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;

        OnnxRuntimeEncoder(TextTokenizer tokenizer) throws IOException, OrtException {
            this.tokenizer = tokenizer;
            byte[] onnx;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
                onnx = in.readAllBytes();
            }
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            session = env.createSession(onnx, options);
        }

        void encode(List<TextInput> texts) throws OrtException {
            EncodedBatch batch = tokenizer.encodeBatch(texts);
            long[] shape = {batch.size(), batch.seqLen()};
            try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids()), shape);
                    OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.mask()), shape);
                    OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.typeIds()), shape);
                    OrtSession.Result result = session.run(
                            Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
                ((OnnxTensor) result.get(0)).getFloatBuffer(); // copy out, as the DJL path does
            }
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }
}
