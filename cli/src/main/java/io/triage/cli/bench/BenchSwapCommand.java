package io.triage.cli.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.micrometer.core.instrument.Timer;
import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.model.ClassifierModel;
import io.triage.model.bench.ProcessMemory;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.TextInput;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.TrainingMode;
import io.triage.service.KafkaClients;
import io.triage.service.trust.SigningKeys;
import io.triage.service.trust.UpdateSigner;
import io.triage.service.TopicProvisioner;
import io.triage.stream.TriageStreamApp;
import io.triage.stream.batch.ModelBatchClassifier;
import io.triage.stream.batch.ServingModels;
import io.triage.stream.config.StreamAppSettings;
import io.triage.stream.swap.SwapSteps;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static io.triage.stream.config.StreamAppSettings.*;

/**
 * Model swaps under steady load, through a real broker and registry: throughput, latency and the longest pause
 * between results before, during and after one swap, then memory over many swaps (the old model must be freed).
 */
@Command(name = "swap", mixinStandardHelpOptions = true,
        description = "Throughput, latency and output gaps around a model swap under steady load; memory over many swaps.")
final class BenchSwapCommand implements Callable<Integer> {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration SWAP_TIMEOUT = Duration.ofMinutes(3);
    /** Between two swaps of the memory phase, so that each version serves a while. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** Time for results to be committed and read before a window is evaluated. */
    private static final Duration DRAIN = Duration.ofSeconds(2);
    private static final int MEMORY_EVERY = 5;
    private static final double THROUGHPUT_TARGET = 0.8;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    BenchTexts textSource;

    @Option(names = "--rate", defaultValue = "0",
            description = "Events/s offered; 0: half of what the model alone does here, probed first (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--swaps", defaultValue = "20", description = "Swaps of the memory phase (default: ${DEFAULT-VALUE}).")
    int swaps;

    @Option(names = "--window-s", defaultValue = "10",
            description = "Seconds measured before the swap and after it (default: ${DEFAULT-VALUE}).")
    int windowSeconds;

    @Mixin
    StreamAppOptions appOptions;

    private record Artifact(String version, Path dir, String sha256) {}

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(textSource.file)) {
            throw new CommandLine.ParameterException(spec.commandLine(), textSource.file + " not found: bench swap needs the"
                    + " emotion validation set ('text;label' lines) or another such file via --texts FILE");
        }
        List<TextInput> texts = textSource.read(Integer.MAX_VALUE);
        Path work = Files.createTempDirectory("triage-bench-swap");
        try {
            Artifact v1 = save(work.resolve("v1"), "v1", 1);
            Artifact v2 = save(work.resolve("v2"), "v2", 2); // same encoder, another head: other scores
            run(texts, v1, v2, work);
        } finally {
            ModelArtifact.deleteRecursively(work);
        }
        return 0;
    }

    private void run(List<TextInput> texts, Artifact v1, Artifact v2, Path work) throws Exception {
        UpdateSigner signer = new UpdateSigner(SigningKeys.generate().getPrivate()); // signs as the trainer does
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedRegistry registry = EmbeddedRegistry.start()) {
            StreamAppSettings config = appOptions.config(kafka, registry, "bench-swap", work.resolve("state"), Map.of(
                    UPDATE_TRUSTED_KEYS, SigningKeys.inline(signer.publicKey()), ARTIFACT_ALLOWED_URIS, work.toString()));
            double offered = rate > 0 ? rate : rawModelRate(config, v1, texts) / 2;
            System.out.printf(Locale.ROOT, "bench swap: %d texts from %s, %d cores, %s; batch.max.size=%d "
                            + "batch.max.wait.ms=%d, %s; %.1f events/s offered%s%n", texts.size(), textSource.file,
                    Runtime.getRuntime().availableProcessors(), Engine.getEngine("PyTorch").defaultDevice(),
                    appOptions.batchSize, appOptions.maxWaitMs, config.get(PROCESSING_GUARANTEE), offered,
                    rate > 0 ? "" : " (half the model's own rate)");

            new TopicProvisioner(config.clientConfig()).ensureCompacted(config.get(TOPIC_MODEL_UPDATES));
            try (Updates updates = new Updates(kafka.bootstrapServers(), registry.apiV2Url(), config, signer);
                    ProcessMemory memory = new ProcessMemory()) {
                updates.publish(v1); // the app starts on it
                try (TriageStreamApp app = TriageStreamApp.start(config);
                        LoadGenerator load = new LoadGenerator(kafka.bootstrapServers(), registry.apiV2Url(),
                                config.get(TOPIC_INPUT), config.get(TOPIC_OUTPUT))) {
                    awaitReady(app);
                    load.offerSteadily(texts, offered);
                    load.awaitFirst(v1.version(), 0, READY_TIMEOUT);
                    Thread.sleep(windowSeconds * 1000L); // warm-up: JIT compilation, registry look-ups, first batches
                    Steady steady = oneSwap(app, load, updates, v2, offered);
                    manySwaps(app, load, updates, memory, v1, v2, steady);
                    System.out.printf(Locale.ROOT, "dead letters: %.0f%n", app.metrics().deadLetterCount());
                }
            }
        }
    }

    /** The steady state: the offered rate, which the app sustains, and the largest gap a swap may cause. */
    private record Steady(double eventsPerSecond, long gapTargetMs) {}

    /** Phase 1: steady load, then one swap; prints the windows and the swap's steps. */
    private Steady oneSwap(TriageStreamApp app, LoadGenerator load, Updates updates, Artifact next, double offered)
            throws Exception {
        long windowMs = windowSeconds * 1000L;
        ModelUse steadyStart = ModelUse.of(app.metrics());
        Thread.sleep(windowMs);
        ModelUse steadyUse = ModelUse.of(app.metrics()).since(steadyStart);
        Map<String, Double> stepsBefore = stepTotalsMs(app);
        long publishedAt = System.currentTimeMillis();
        updates.publish(next);
        LoadGenerator.Output first = load.awaitFirst(next.version(), publishedAt, SWAP_TIMEOUT);
        awaitSwapCount(app, 2);
        Map<String, Double> steps = since(stepTotalsMs(app), stepsBefore);
        Thread.sleep(Math.max(0, first.classifiedAtMs() + windowMs - System.currentTimeMillis()) + DRAIN.toMillis());

        List<LoadGenerator.Output> outputs = load.outputs();
        OutputWindow before = OutputWindow.of(publishedAt - windowMs, publishedAt, outputs);
        OutputWindow during = OutputWindow.of(publishedAt, first.classifiedAtMs(), outputs);
        OutputWindow after = OutputWindow.of(first.classifiedAtMs(), first.classifiedAtMs() + windowMs, outputs);
        double batchMs = steadyUse.meanBatchMs();
        long gapTarget = Math.round(appOptions.maxWaitMs + 2 * batchMs);

        System.out.printf(Locale.ROOT, "%nphase 1: one swap (%s) under steady load%n", next.version());
        System.out.printf(Locale.ROOT, "%-36s %7s %9s %9s %8s %8s %15s%n", "window", "s", "events/s", "vs offered",
                "p50 ms", "p99 ms", "largest gap ms");
        row("before (the " + windowSeconds + " s before publishing)", before, offered);
        row("during (publish -> first " + next.version() + " result)", during, offered);
        row("after (" + windowSeconds + " s from the first " + next.version() + " result)", after, offered);
        System.out.printf(Locale.ROOT, "steady state: mean batch %.1f events, %.0f ms in the model; gap target "
                        + "batch.max.wait.ms + 2 batch times = %d ms%n", steadyUse.meanBatchSize(), batchMs,
                gapTarget);
        System.out.printf(Locale.ROOT, "during the swap: throughput %.0f%% of the offered rate (target >= %.0f%%: %s), "
                        + "largest gap %d ms (target <= %d ms: %s)%n", 100 * during.eventsPerSecond() / offered,
                100 * THROUGHPUT_TARGET, verdict(during.eventsPerSecond() >= THROUGHPUT_TARGET * offered),
                during.largestGapMs(), gapTarget, verdict(during.largestGapMs() <= gapTarget));
        System.out.printf(Locale.ROOT, "swap timeline: %s; publish -> first %s result %d ms%n", describe(steps),
                next.version(), first.classifiedAtMs() - publishedAt);
        return new Steady(offered, gapTarget);
    }

    /** Phase 2: alternating swaps (every other one a rollback) under the same load; memory every few swaps. */
    private void manySwaps(TriageStreamApp app, LoadGenerator load, Updates updates, ProcessMemory memory,
                           Artifact v1, Artifact v2, Steady steady) throws Exception {
        if (swaps <= 0) {
            return;
        }
        System.out.printf(Locale.ROOT, "%nphase 2: %d swaps alternating v1/v2 (republishing the older version is a "
                + "rollback), %d s apart, load continuing (paused for each memory sample)%n", swaps, SETTLE.toSeconds());
        System.out.printf(Locale.ROOT, "%-8s %8s %14s %16s %14s %8s%n", "swaps", "RSS MB", "heap used MB",
                "heap committed MB", "live NDArrays", "GPU MB");
        ProcessMemory.Sample start = sampleQuiet(load, memory);
        memoryRow(0, start);
        ProcessMemory.Sample last = start;
        List<Long> gaps = new ArrayList<>();
        List<Long> durations = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        Map<String, List<Double>> stepTimes = new LinkedHashMap<>();
        for (int i = 1; i <= swaps; i++) {
            Artifact next = i % 2 == 1 ? v1 : v2;
            Map<String, Double> stepsBefore = stepTotalsMs(app);
            long publishedAt = System.currentTimeMillis();
            updates.publish(next);
            LoadGenerator.Output first = load.awaitFirst(next.version(), publishedAt, SWAP_TIMEOUT);
            awaitSwapCount(app, 2 + i);
            since(stepTotalsMs(app), stepsBefore)
                    .forEach((step, ms) -> stepTimes.computeIfAbsent(step, s -> new ArrayList<>()).add(ms));
            Thread.sleep(SETTLE.toMillis());
            OutputWindow during = OutputWindow.of(publishedAt, first.classifiedAtMs(), load.outputs());
            gaps.add(during.largestGapMs());
            durations.add(first.classifiedAtMs() - publishedAt);
            ratios.add(during.eventsPerSecond() / steady.eventsPerSecond());
            if (i % MEMORY_EVERY == 0 || i == swaps) {
                last = sampleQuiet(load, memory);
                memoryRow(i, last);
            }
        }
        System.out.printf(Locale.ROOT, "growth over %d swaps: RSS %+d MB, heap used %+d MB, heap committed %+d MB, "
                        + "live NDArrays %+d%s%n", swaps, last.rssMb() - start.rssMb(), last.heapMb() - start.heapMb(),
                last.heapCommittedMb() - start.heapCommittedMb(), last.liveArrays() - start.liveArrays(),
                last.gpuMb() < 0 ? "; GPU: none visible to PyTorch here, not measured"
                        : String.format(Locale.ROOT, ", GPU %+d MB", last.gpuMb() - start.gpuMb()));
        long met = gaps.stream().filter(g -> g <= steady.gapTargetMs()).count();
        System.out.printf(Locale.ROOT, "per swap: publish -> first result of the new version median %d ms, max %d ms; "
                        + "largest gap median %d ms, max %d ms (<= %d ms in %d of %d); throughput during a swap "
                        + "min %.2fx, median %.2fx of the offered rate%n", median(durations), max(durations),
                median(gaps), max(gaps), steady.gapTargetMs(), met, swaps,
                ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN), medianDouble(ratios));
        Map<String, Double> medians = new LinkedHashMap<>();
        stepTimes.forEach((step, values) -> medians.put(step, medianDouble(values)));
        System.out.printf(Locale.ROOT, "swap steps, median: %s%n", describe(medians));
    }

    /** Memory with the load paused and drained, so that no batch's temporaries count as live arrays. */
    private static ProcessMemory.Sample sampleQuiet(LoadGenerator load, ProcessMemory memory) throws Exception {
        load.pauseAndDrain(SWAP_TIMEOUT);
        try {
            return memory.sample();
        } finally {
            load.resume();
        }
    }

    private static void row(String name, OutputWindow w, double offered) {
        System.out.printf(Locale.ROOT, "%-36s %7.1f %9.1f %9.2fx %8.0f %8.0f %15d%n", name, w.seconds(),
                w.eventsPerSecond(), w.eventsPerSecond() / offered, w.latencyPercentile(50), w.latencyPercentile(99),
                w.largestGapMs());
    }

    private static void memoryRow(int swapsDone, ProcessMemory.Sample s) {
        System.out.printf(Locale.ROOT, "%-8d %8d %14d %16d %14d %8s%n", swapsDone, s.rssMb(), s.heapMb(),
                s.heapCommittedMb(), s.liveArrays(), s.gpuMb() < 0 ? "n/a" : String.valueOf(s.gpuMb()));
    }

    private static String verdict(boolean met) {
        return met ? "met" : "NOT met";
    }

    private static String describe(Map<String, Double> stepsMs) {
        StringBuilder out = new StringBuilder();
        stepsMs.forEach((step, ms) -> out.append(String.format(Locale.ROOT, "%s %.0f ms, ", step, ms)));
        return out.append(String.format(Locale.ROOT, "total %.0f ms",
                stepsMs.values().stream().mapToDouble(Double::doubleValue).sum())).toString();
    }

    /** An artifact of the bundled MiniLM with a head drawn from {@code seed}. */
    private static Artifact save(Path dir, String version, int seed) throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(seed);
        try (ClassifierModel m = ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(BenchTexts.EMOTIONS).withVersion(version),
                Device.cpu())) {
            return new Artifact(version, dir, ModelArtifact.save(m, dir, null));
        }
    }

    /** Texts/s of the model alone as the app loads it, in full batches. */
    private double rawModelRate(StreamAppSettings config, Artifact artifact, List<TextInput> texts) throws Exception {
        int batchSize = appOptions.batchSize;
        List<TextInput> sample = texts.subList(0, Math.min(texts.size(), 8 * batchSize));
        try (ModelBatchClassifier model = ServingModels.from(config).loadVersion(artifact.dir(), artifact.version())) {
            return RawModelRate.of(model, sample, batchSize, sample.subList(0, Math.min(sample.size(), batchSize)), 1);
        }
    }

    private static void awaitReady(TriageStreamApp app) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!app.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the stream app was not ready within " + READY_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** The swapper records its step times after the switch; the follower counts the swap after that. */
    private static void awaitSwapCount(TriageStreamApp app, int count) throws InterruptedException {
        long deadline = System.nanoTime() + SWAP_TIMEOUT.toNanos();
        while (app.metrics().modelUpdateCount("swapped") < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("swap " + count + " was not counted within " + SWAP_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(10);
        }
    }

    private static Map<String, Double> stepTotalsMs(TriageStreamApp app) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (SwapSteps.Step step : SwapSteps.Step.values()) {
            Timer t = app.metrics().registry().find(SwapSteps.TIMER).tag("step", step.tag()).timer();
            out.put(step.tag(), t == null ? 0 : t.totalTime(TimeUnit.MILLISECONDS));
        }
        return out;
    }

    private static Map<String, Double> since(Map<String, Double> now, Map<String, Double> before) {
        Map<String, Double> out = new LinkedHashMap<>();
        now.forEach((step, ms) -> out.put(step, ms - before.getOrDefault(step, 0.0)));
        return out;
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static double medianDouble(List<Double> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    /** Publishes model updates as the trainer does: Avro on the compacted topic, keyed by the model name. */
    private static final class Updates implements AutoCloseable {
        private final KafkaProducer<byte[], ModelUpdate> producer;
        private final String topic;
        private final byte[] key;
        private final UpdateSigner signer;

        Updates(String bootstrap, String registryUrl, StreamAppSettings config, UpdateSigner signer) {
            this.signer = signer;
            producer = KafkaClients.producer(bootstrap, KafkaClients.avroSerializer(registryUrl));
            topic = config.get(TOPIC_MODEL_UPDATES);
            key = config.get(MODEL_NAME).getBytes(StandardCharsets.UTF_8);
        }

        void publish(Artifact a) throws Exception {
            ModelUpdate update = ModelUpdate.newBuilder().setModelName(new String(key, StandardCharsets.UTF_8))
                    .setVersion(a.version()).setArtifactUri(a.dir().toUri().toString()).setSha256(a.sha256())
                    .setLabels(BenchTexts.EMOTIONS).setMetrics(Map.of()).setTrainingMode(TrainingMode.HEAD)
                    .setCreatedAt(Instant.now()).build();
            producer.send(new ProducerRecord<>(topic, key, signer.sign(update))).get();
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
