package io.triage.cli.bench;

import ai.djl.Device;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.triage.cli.options.PoolingConverter;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.Pooling;
import io.triage.model.infer.Classification;
import io.triage.model.infer.CpuThreads;
import io.triage.model.infer.InferenceEngine;
import io.triage.model.infer.LengthGrouping;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.LongInputs;
import io.triage.model.text.TextInput;
import io.triage.model.text.TextTokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Sentences/s of Triage's serving path (on each engine it can serve with) against ONNX Runtime run directly on
 * the bundled model's ONNX file (the peer a Java user would pick), on the same texts, in one run so that the ratios
 * hold on a noisy machine; then resident memory and live NDArrays sampled over many classifications.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Throughput of Triage's serving path vs ONNX Runtime, and memory over many classifications.")
final class BenchModelCommand implements Callable<Integer> {
    /** The memory check's batch size, and the share of its run left out of the verdict as warm-up. */
    private static final int MEMORY_BATCH = 64;
    private static final double WARMUP_FRACTION = 0.1;

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
    long memoryClassifications;

    @Option(names = "--memory-engines", split = ",", defaultValue = "auto,pytorch",
            description = "Engines (model.engine) the memory check runs on, one after the other (default: "
                    + "${DEFAULT-VALUE}; auto is the CPU serving path).")
    List<String> memoryEngines;

    @Option(names = "--memory-sample-every", defaultValue = "2000",
            description = "Classifications between the memory check's samples (default: ${DEFAULT-VALUE}).")
    long memorySampleEvery;

    @Option(names = "--memory-rss-bound-mb", defaultValue = "4",
            description = "Resident memory growth per 10,000 classifications after warm-up that still counts as "
                    + "flat (default: ${DEFAULT-VALUE} MB).")
    double memoryRssBoundMb;

    @Option(names = "--memory-minutes", defaultValue = "0",
            description = "Stops each engine's memory check after this many minutes, short of "
                    + "--memory-classifications if need be (default: ${DEFAULT-VALUE}, no limit).")
    double memoryMinutes;

    @Option(names = "--memory-only", description = "Only the memory check: no throughput rows.")
    boolean memoryOnly;

    @Option(names = "--engines", split = ",", defaultValue = "onnxruntime,pytorch",
            description = "Engines of Triage's rows: onnxruntime, pytorch (default: ${DEFAULT-VALUE}).")
    List<String> engines;

    @Option(names = "--engine", defaultValue = "auto",
            description = "The serving engine (model.engine) of --profile (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--cpu-threads", defaultValue = "0",
            description = "CPU threads of every row, Triage's (model.cpu.threads) and the peer's; 0: all cores "
                    + "(default: ${DEFAULT-VALUE}).")
    int cpuThreads;

    @Option(names = "--pooling", converter = PoolingConverter.class,
            description = "Pooling of Triage's rows: first_token or mean (default: the bundled model's, mean).")
    Pooling pooling;

    @Option(names = "--fp16", description = "Adds PyTorch fp16 rows and the fp16 vs fp32 score difference.")
    boolean fp16;

    @Option(names = "--profile",
            description = "Instead of the throughput rows: where a small batch spends its time, stage by stage.")
    boolean profile;

    @Option(names = "--profile-batch-sizes", split = ",", defaultValue = "1,2,4,8",
            description = "Batch sizes for --profile (default: ${DEFAULT-VALUE}).")
    int[] profileBatchSizes;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (cpuThreads < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--cpu-threads must be 0 (all cores) or positive, not " + cpuThreads);
        }
        List<TextInput> texts = textSource.read(count);
        if (profile) {
            return profile(texts);
        }
        if (!memoryOnly) {
            throughput(texts);
        }
        return memoryClassifications > 0 ? memory(texts) : 0;
    }

    private void throughput(List<TextInput> texts) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = CpuThreads.resolve(cpuThreads);
        System.out.printf(Locale.ROOT, "bench model: %d texts from %s, %d cores, %d CPU threads a row, %d timed "
                        + "passes per row (median); ratios vs ONNX Runtime run directly, grouped rows vs its grouped row%n",
                texts.size(), textSource.file, cores, threads, runs);
        List<TextClassifier> triage = new ArrayList<>();
        try (OnnxRuntimeEncoder ort = new OnnxRuntimeEncoder(threads)) {
            for (String e : engines) {
                triage.add(serving(InferenceEngine.parse(e), Precision.FP32));
            }
            if (fp16) {
                triage.add(serving(InferenceEngine.PYTORCH, Precision.FP16));
            }
            TextClassifier first = triage.get(0);
            List<TextInput> byLength = sortedByLength(first, texts);
            Pass peer = b -> ort.encode(first.model().tokenizer(), b);
            System.out.printf(Locale.ROOT, "%-48s %6s %12s %10s%n", "engine", "batch", "sentences/s", "vs ORT");
            for (int batch : batchSizes) {
                List<Row> rows = new ArrayList<>();
                for (TextClassifier c : triage) {
                    rows.add(new Row(name(c), texts, c::classify));
                    rows.add(new Row(name(c) + ", grouped by length", byLength, c::classify));
                }
                Row onnx = new Row("ONNX Runtime fp32 (peer)", texts, peer);
                Row onnxGrouped = new Row("ONNX Runtime fp32 (peer), grouped by length", byLength, peer);
                rows.add(onnx);
                rows.add(onnxGrouped);
                measure(rows, batch);
                for (Row r : rows) {
                    row(r.name, batch, r.rate, (r.texts == byLength ? onnxGrouped : onnx).rate);
                }
            }
            if (fp16) {
                System.out.printf(Locale.ROOT, "fp16 vs fp32: max |score difference| over %d texts = %.2e%n",
                        texts.size(), maxScoreDifference(triage.get(0), triage.get(triage.size() - 1), texts));
            }
        } finally {
            triage.forEach(TextClassifier::close);
        }
    }

    /** The bundled model as the stream app serves it (ServingModels' factory) on {@code engine}, --cpu-threads. */
    private TextClassifier serving(InferenceEngine engine, Precision precision) throws IOException {
        ModelOverrides overrides = pooling == null ? ModelOverrides.NONE : ModelOverrides.NONE.withPooling(pooling);
        return TextClassifier.of(ModelLoader.loadBundled(overrides, Device.cpu()), precision,
                LongInputs.TRUNCATE, engine, cpuThreads);
    }

    private static String name(TextClassifier c) {
        return "Triage " + c.engine().settingValue() + " " + c.precision().name().toLowerCase(Locale.ROOT);
    }

    /** The serving engine's stages per call at each small batch size, after a warm-up pass. */
    private int profile(List<TextInput> texts) throws IOException {
        StageProfile table = new StageProfile();
        try (TextClassifier classifier = serving(InferenceEngine.parse(engine), Precision.FP32)) {
            System.out.printf(Locale.ROOT, "bench model --profile: %d texts from %s, %d cores, %s fp32, %d timed "
                            + "passes after one warm-up%n", texts.size(), textSource.file,
                    Runtime.getRuntime().availableProcessors(), classifier.engine().settingValue(), runs);
            for (int batch : profileBatchSizes) {
                table.measure(classifier, texts, batch, runs);
            }
        }
        table.print();
        return 0;
    }

    private static void row(String name, int batch, double rate, double reference) {
        System.out.printf(Locale.ROOT, "%-44s %6d %12.1f %9.2fx%n", name, batch, rate, rate / reference);
    }

    /**
     * Each row's median sentences/s over {@code runs} passes after one warm-up pass. The rows take turns pass by
     * pass, so a burst of load on a shared machine falls on all of them rather than on one row.
     */
    private void measure(List<Row> rows, int batch) throws Exception {
        double[][] rates = new double[rows.size()][runs];
        for (int r = -1; r < runs; r++) {
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                long start = System.nanoTime();
                for (int from = 0; from < row.texts.size(); from += batch) {
                    row.pass.run(row.texts.subList(from, Math.min(row.texts.size(), from + batch)));
                }
                if (r >= 0) {
                    rates[i][r] = row.texts.size() / ((System.nanoTime() - start) / 1e9);
                }
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            Arrays.sort(rates[i]);
            rows.get(i).rate = rates[i][runs / 2];
        }
    }

    /** One line of the table: what runs, on which texts (as read, or sorted by length), and its measured rate. */
    private static final class Row {
        final String name;
        final List<TextInput> texts;
        final Pass pass;
        double rate;

        Row(String name, List<TextInput> texts, Pass pass) {
            this.name = name;
            this.texts = texts;
            this.pass = pass;
        }
    }

    /**
     * The leak check on each of {@code memoryEngines}, one classifier at a time: the series of samples, then a
     * verdict on the samples after the first 10% of the run. Exit status 1 when any engine's series is not flat.
     */
    private int memory(List<TextInput> texts) throws IOException {
        boolean flat = true;
        try (MemoryRun run = new MemoryRun()) {
            for (String e : memoryEngines) {
                try (TextClassifier served = serving(InferenceEngine.parse(e), Precision.FP32)) {
                    int batch = Math.min(MEMORY_BATCH, texts.size());
                    System.out.printf(Locale.ROOT, "memory (%s, model.engine=%s): %,d classifications in batches "
                                    + "of %d over %d texts, sampled every %,d:%n", name(served), e,
                            memoryClassifications, batch, texts.size(), memorySampleEvery);
                    List<MemoryRun.Sample> samples = run.run(served, texts, batch, memoryClassifications,
                            memorySampleEvery, Duration.ofSeconds(Math.round(memoryMinutes * 60)));
                    MemoryRun.Verdict verdict = MemoryRun.Verdict.of(samples, WARMUP_FRACTION, memoryRssBoundMb);
                    System.out.println(verdict.line());
                    flat &= verdict.flat();
                }
            }
        }
        return flat ? 0 : 1;
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

    /**
     * The bundled model's ONNX file (the encoder, last hidden state out) under ONNX Runtime's own Java API, fed by
     * the same tokenizer: the reference engine.
     */
    private static final class OnnxRuntimeEncoder implements AutoCloseable {
        private final OrtEnvironment env = InferenceEngine.onnxRuntimeEnvironment();
        private final OrtSession session;

        OnnxRuntimeEncoder(int threads) throws IOException, OrtException {
            byte[] onnx;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
                onnx = in.readAllBytes();
            }
            // the same options as Triage's own sessions (threads, optimization level, no spinning): like with like
            try (OrtSession.SessionOptions options = InferenceEngine.onnxRuntimeSessionOptions(threads)) {
                session = env.createSession(onnx, options);
            }
        }

        void encode(TextTokenizer tokenizer, List<TextInput> texts) throws OrtException {
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
