package io.triage.cli.bench;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.cli.bench.LoadGenerator.Output;
import io.triage.cli.bench.LoadGenerator.Round;
import io.triage.model.bench.Percentiles;
import io.triage.model.text.TextInput;
import io.triage.stream.TriageStreamApp;
import io.triage.stream.batch.ModelBatchClassifier;
import io.triage.stream.batch.ServingModels;
import io.triage.stream.config.StreamAppSettings;
import io.triage.service.trust.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;

import static io.triage.stream.config.StreamAppSettings.*;

/**
 * End-to-end events/s and latency through a real broker and registry with Avro, against the raw model on the
 * same texts in the same run: produce → stream app (exactly-once) → read_committed consumer.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = "End-to-end throughput and latency of the stream app vs the raw model, on an embedded broker.")
final class BenchStreamCommand implements Callable<Integer> {
    private static final int RAW_PASSES = 3;
    /** JIT time per wall time below which a warm-up pass counts as steady state. */
    private static final double SETTLED_JIT_SHARE = 0.10;

    @Mixin
    BenchTexts textSource;

    @Option(names = "--count", defaultValue = "2000", description = "Events per load level (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--warm-up-seconds", defaultValue = "240", description = "Longest warm-up before each load level: "
            + "passes go on until the JIT has settled or this time is up (default: ${DEFAULT-VALUE}).")
    int warmUpSeconds;

    @Option(names = "--partial-rate", defaultValue = "0", description = "Events/s offered at the second load level; "
            + "0: half the full-load rate (default: ${DEFAULT-VALUE}). A fixed rate compares settings at the same load.")
    double partialRate;

    @Option(names = "--latencies-csv", description = "Also write each timed event's timestamps and stages here "
            + "(level, input id, produced, classified, received at in epoch ms; queue and model ms), to look at "
            + "the slowest ones against GC or other logs.")
    Path latenciesCsv;

    @Option(names = "--bootstrap-servers", description = "A running broker to use instead of one embedded in this "
            + "process, e.g. in another process or on another machine; the run's topics and group get names of their own.")
    String bootstrapServers;

    @Mixin
    StreamAppOptions appOptions;

    @Override
    public Integer call() throws Exception {
        List<TextInput> texts = textSource.read(count);
        Path stateDir = Files.createTempDirectory("triage-bench-state");
        try (EmbeddedKafka kafka = bootstrapServers == null ? EmbeddedKafka.start() : null;
                EmbeddedRegistry registry = EmbeddedRegistry.start()) {
            // no update is published here; the app still needs a key to check them with
            Map<String, String> own = new HashMap<>(Map.of(UPDATE_TRUSTED_KEYS,
                    SigningKeys.inline(SigningKeys.generate().getPublic())));
            String run = "bench-stream";
            if (kafka == null) { // a broker that may hold earlier runs: results are told apart by topic
                run += "-" + System.currentTimeMillis();
                own.putAll(Map.of(TOPIC_INPUT, run + ".in", TOPIC_OUTPUT, run + ".out", TOPIC_DEAD_LETTER, run + ".dlq",
                        REVIEW_TOPIC, run + ".review"));
            }
            StreamAppSettings config = appOptions.config(kafka == null ? bootstrapServers : kafka.bootstrapServers(),
                    registry, run, stateDir, own);
            System.out.printf(Locale.ROOT, "bench stream: %d texts from %s, %d cores; batch.max.size=%d batch.max.wait.ms=%d "
                            + "batch.idle.dispatch=%s batch.pickup.ms=%s model.engine=%s model.cpu.threads=%s, %s, "
                            + "%s partition(s), Avro + registry, read_committed consumer%n", texts.size(), textSource.file,
                    Runtime.getRuntime().availableProcessors(), appOptions.batchSize, appOptions.maxWaitMs,
                    config.get(BATCH_IDLE_DISPATCH), config.get(BATCH_PICKUP_MS), config.get(MODEL_ENGINE),
                    config.get(MODEL_CPU_THREADS), config.get(PROCESSING_GUARANTEE), config.get(TOPIC_PARTITIONS));
            System.out.println(kafka == null ? "broker: " + bootstrapServers + " (not in this process)"
                    : "broker: embedded in this process");

            double raw = rawModelRate(config, texts);
            ThreadCpu cpu = new ThreadCpu(BenchStreamCommand::cpuGroup, Map.of("registry", registry.pid()));
            try (TriageStreamApp app = TriageStreamApp.start(config);
                    LoadGenerator load = new LoadGenerator(config.get(BOOTSTRAP_SERVERS), registry.apiV2Url(),
                            config.get(TOPIC_INPUT), config.get(TOPIC_OUTPUT))) {
                while (!app.isReady()) {
                    Thread.sleep(100);
                }
                warmUp(load, texts.subList(0, Math.min(500, texts.size())), 0, warmUpSeconds);
                ModelUse beforeFull = ModelUse.of(app.metrics());
                ThreadCpu.Snapshot cpuBeforeFull = cpu.snapshot();
                Result full = Result.of(load.offerOnce(texts, 0));
                ThreadCpu.Snapshot cpuAfterFull = cpu.snapshot();
                String fullThread = threadTimeSplit(app);
                ModelUse afterFull = ModelUse.of(app.metrics());
                double rate = partialRate > 0 ? partialRate : full.eventsPerSecond / 2;
                String partial = String.format(Locale.ROOT, "%.0f%% load", 100 * rate / full.eventsPerSecond);
                warmUp(load, texts.subList(0, Math.min(300, texts.size())), rate, warmUpSeconds);
                ThreadCpu.Snapshot cpuBeforeHalf = cpu.snapshot();
                ModelUse beforeHalf = ModelUse.of(app.metrics());
                Result half = Result.of(load.offerOnce(texts, rate));
                ThreadCpu.Snapshot cpuAfterHalf = cpu.snapshot();
                String halfThread = threadTimeSplit(app);
                ModelUse afterHalf = ModelUse.of(app.metrics());
                System.out.printf(Locale.ROOT, "%-34s %10s %8s %8s %8s %8s%n", "", "events/s", "vs raw", "p50 ms", "p99 ms", "max ms");
                System.out.printf(Locale.ROOT, "%-34s %10.1f %7.2fx %8s %8s %8s%n", "raw model (same texts, same batching)", raw, 1.0, "-", "-", "-");
                print("end-to-end, full load", full, raw);
                print(String.format(Locale.ROOT, "end-to-end, %s (%.0f/s offered)", partial, rate), half, raw);
                System.out.printf(Locale.ROOT, "dead letters: %.0f%n", app.metrics().deadLetterCount());
                System.out.printf(Locale.ROOT, "where the time went, ms (p50 / p99 / mean of the slowest 1%%):%n");
                System.out.printf(Locale.ROOT, "  full load: %s%n", full.stages());
                System.out.printf(Locale.ROOT, "  %s:  %s%n", partial, half.stages());
                System.out.printf(Locale.ROOT, "full load: %s; stream thread: %s%n", modelBusy(afterFull.since(beforeFull), full), fullThread);
                System.out.printf(Locale.ROOT, "%s: %s; stream thread: %s%n", partial, modelBusy(afterHalf.since(beforeHalf), half), halfThread);
                System.out.printf(Locale.ROOT, "cores used, full load: %s%n", cpu.describe(cpuBeforeFull, cpuAfterFull));
                System.out.printf(Locale.ROOT, "cores used, %s: %s%n", partial, cpu.describe(cpuBeforeHalf, cpuAfterHalf));
                if (latenciesCsv != null) {
                    writeLatencies(latenciesCsv, Map.of("full", full, "half", half));
                }
            }
        }
        return 0;
    }

    /**
     * Runs {@code texts} through at {@code rate} until the JIT has settled: broker, clients and app share this JVM,
     * and compiling the broker's and clients' code keeps a compiler thread busy for minutes after start (methods
     * reach the optimizing compiler's thresholds only as traffic accumulates), which would take CPU from the model
     * during the timed runs. Stops after {@code maxSeconds} even when it has not settled, and says so.
     */
    private static void warmUp(LoadGenerator load, List<TextInput> texts, double rate, int maxSeconds)
            throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        double jitShare = 1;
        int pass = 0;
        while (jitShare > SETTLED_JIT_SHARE && (pass == 0 || System.nanoTime() < deadline)) {
            long jitBefore = jit.getTotalCompilationTime();
            Round r = load.offerOnce(texts, rate);
            jitShare = (jit.getTotalCompilationTime() - jitBefore) / 1000.0 / r.wallSeconds();
            pass++;
        }
        System.out.printf(Locale.ROOT, "warm-up at %s: %d pass(es) of %d events; JIT busy %.0f%% of a core in the last%s%n",
                rate > 0 ? String.format(Locale.ROOT, "%.0f/s", rate) : "full load", pass, texts.size(), 100 * jitShare,
                jitShare > SETTLED_JIT_SHARE ? " (not settled: the timed level shares the CPU with it)" : "");
    }

    /**
     * Which part of this one-process setup a thread belongs to, by its kernel name (15 characters at most). Native
     * pool threads take the name of the thread that started them: the inference worker's are "triage-inferenc"
     * like it, the raw model run's are "java" like the main thread, which during the load levels only waits for
     * results. ONNX Runtime's sub-batch helpers are "triage-onnx-part".
     */
    private static String cpuGroup(String thread) {
        if (thread.equals("triage-inferenc") || thread.equals("triage-onnx-par")) {
            return "model";
        }
        if (thread.startsWith("bench-stream") || thread.startsWith("kafka-producer") || thread.equals("bench-producer")
                || thread.equals("bench-reader") || thread.equals("java")) {
            return "clients (stream app, load)";
        }
        if (thread.startsWith("C1 ") || thread.startsWith("C2 ")) {
            return "jit";
        }
        if (thread.startsWith("G1 ") || thread.startsWith("GC ") || thread.startsWith("VM ")) {
            return "gc";
        }
        return "broker, other";
    }

    private static void print(String name, Result r, double raw) {
        System.out.printf(Locale.ROOT, "%-34s %10.1f %7.2fx %8.1f %8.1f %8.1f%n", name, r.eventsPerSecond, r.eventsPerSecond / raw,
                r.percentile(50), r.percentile(99), r.percentile(100));
    }

    /** The model alone on the same texts, in micro-batches of the same size with the same length grouping: its best pass. */
    private static double rawModelRate(StreamAppSettings config, List<TextInput> texts) throws Exception {
        try (ModelBatchClassifier model = ServingModels.from(config).loadBootstrap()) {
            return RawModelRate.of(model, texts, config.getInt(BATCH_MAX_SIZE, 1), texts, RAW_PASSES);
        }
    }

    private static void writeLatencies(Path file, Map<String, Result> levels) throws java.io.IOException {
        StringBuilder csv = new StringBuilder("level,input_id,produced_at_ms,classified_at_ms,received_at_ms,queue_ms,model_ms\n");
        levels.forEach((level, r) -> r.outputs().forEach(o -> csv.append(String.join(",", level, o.inputId(),
                Long.toString(o.producedAtMs()), Long.toString(o.classifiedAtMs()), Long.toString(o.receivedAtMs()),
                Long.toString(o.queueMs()), Long.toString(o.modelMs()))).append('\n')));
        Files.writeString(file, csv);
    }

    /** Where the stream thread's time went, from Kafka Streams' own thread metrics (recent window). */
    private static String threadTimeSplit(TriageStreamApp app) {
        StringBuilder out = new StringBuilder();
        for (String phase : List.of("poll", "process", "punctuate", "commit")) {
            app.metrics().registry().find("kafka.stream.thread." + phase + ".ratio").gauges().stream().findFirst()
                    .ifPresent(g -> out.append(String.format(Locale.ROOT, "%s %.0f%% ", phase, 100 * g.value())));
        }
        app.metrics().registry().find("kafka.stream.thread.commit.latency.avg").gauges().stream().findFirst()
                .ifPresent(g -> out.append(String.format(Locale.ROOT, "(commit %.1f ms avg)", g.value())));
        return out.toString().trim();
    }

    /** How busy the model was during one load level. */
    private static String modelBusy(ModelUse used, Result r) {
        return String.format(Locale.ROOT, "mean batch %.1f (%.1f ms), model busy %.0f%% of the time at %.1f events/s "
                        + "of model time; a finished batch waited %.1f ms (mean) to be picked up",
                used.meanBatchSize(), used.meanBatchMs(), 100 * used.busyShare(r.wallSeconds()),
                used.eventsPerModelSecond(), used.meanPickupMs());
    }

    /**
     * One event's latency, split by the timestamps along its way: produced → read and buffered → batch dispatched
     * ({@code queue}) → model done ({@code model}) → forwarded ({@code in} is the rest before forwarding: broker,
     * fetch, and picking up the finished batch, whose mean the app's pickup timer gives) → readable by a read_committed consumer ({@code out}: waiting for
     * and doing the commit, and the fetch).
     */
    record Latency(long total, long in, long queue, long model, long out) {
        static Latency of(Output o) {
            return new Latency(o.latencyMs(), o.classifiedAtMs() - o.producedAtMs() - o.queueMs() - o.modelMs(),
                    o.queueMs(), o.modelMs(), o.receivedAtMs() - o.classifiedAtMs());
        }
    }

    record Result(double eventsPerSecond, List<Output> outputs, List<Latency> latencies, double wallSeconds) {
        private static final List<Map.Entry<String, ToLongFunction<Latency>>> STAGES = List.of(
                Map.entry("in", Latency::in), Map.entry("queue", Latency::queue),
                Map.entry("model", Latency::model), Map.entry("out", Latency::out));

        static Result of(Round round) {
            return new Result(round.eventsPerSecond(), round.outputs(), round.outputs().stream().map(Latency::of).toList(),
                    round.wallSeconds());
        }

        double percentile(double p) {
            return Percentiles.of(latencies.stream().mapToLong(Latency::total).toArray(), p);
        }

        /** "in 9 / 41 / 14; queue ...": each stage's p50, p99 and its mean over the slowest 1% of events. */
        String stages() {
            List<Latency> slowest = latencies.stream()
                    .sorted(Comparator.comparingLong(Latency::total).reversed())
                    .limit(Math.max(1, latencies.size() / 100)).toList();
            StringJoiner out = new StringJoiner("; ");
            for (Map.Entry<String, ToLongFunction<Latency>> stage : STAGES) {
                long[] sorted = latencies.stream().mapToLong(stage.getValue()).sorted().toArray();
                out.add(String.format(Locale.ROOT, "%s %.0f / %.0f / %.0f", stage.getKey(),
                        Percentiles.ofSorted(sorted, 50), Percentiles.ofSorted(sorted, 99),
                        slowest.stream().mapToLong(stage.getValue()).average().orElse(0)));
            }
            return out.toString();
        }
    }
}
