package io.triage.cli.demo;

import io.triage.cli.demo.DemoOutcome.StreamRun;
import io.triage.cli.demo.DemoOutcome.Trained;
import io.triage.cli.demo.ResultTracker.KindStats;
import io.triage.cli.demo.ResultTracker.Score;
import io.triage.schemas.ModelUpdate;
import io.triage.stream.config.StreamAppSettings;
import io.triage.trainer.service.RunOutcome;
import io.triage.trainer.service.TrainerSettings;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static io.triage.cli.demo.DemoFormat.number;
import static io.triage.cli.demo.DemoFormat.percent;

/**
 * The demo's script, on a running {@link DemoStack}: bootstrap feedback trains v1 → v1 scores the held-back part →
 * the stream part flows at a steady rate while the feedback part goes to the trainer, which trains v2 that the
 * stream app hot-swaps to → v2 scores the held-back part → summary ({@link DemoSummary}).
 */
final class DemoStory implements AutoCloseable {
    /** Kinds of input, the first part of the event ids: the stream part, the held-back part before and after v2. */
    private static final String STREAM = "stream";
    private static final String HELD_BACK_V1 = "eval-before";
    private static final String HELD_BACK_V2 = "eval-after";
    /** The feedback part goes to the trainer once this share of the stream part is sent. */
    private static final double FEEDBACK_AT = 0.1;
    /** The bad records go in once this share of the stream part is sent. */
    private static final double BAD_RECORDS_AT = 0.05;
    /**
     * The automatic stream rate is this share of what the system classified flat out (the held-back part): the
     * trainer needs CPU too while it trains v2 in the middle of the stream.
     */
    private static final double AUTO_RATE_SHARE = 0.35;
    /** The automatic rate's ceiling: a pace the live view can show, and a stream long enough for v2 to land in. */
    private static final double AUTO_RATE_MAX = 20;
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(15);
    /** The simulated reviewer labels at most this many events, waiting at most this long for them. */
    private static final int REVIEW_LIMIT = 20;
    private static final Duration REVIEW_PATIENCE = Duration.ofSeconds(10);
    /** The live view's latency percentiles are over this many latest results. */
    private static final int RECENT_RESULTS = 200;

    /** What the story works with; {@code rate} is the stream part's events per second, 0 to choose it. */
    record Setting(DemoSplit split, double rate, String dataDescription) {}

    private final DemoStack stack;
    private final Setting setting;
    private final PrintWriter out;
    private final boolean ansi;
    private final ResultTracker tracker;
    private final DemoTraffic traffic;
    private volatile Supplier<String> phase = () -> "starting";
    private volatile String activeKind = STREAM;
    private volatile String trainerState = "idle";

    DemoStory(DemoStack stack, Setting setting, PrintWriter out, boolean ansi) {
        this.stack = stack;
        this.setting = setting;
        this.out = out;
        this.ansi = ansi;
        StreamAppSettings app = stack.appConfig();
        this.tracker = new ResultTracker(stack.bootstrapServers(), stack.registryUrl(), app.get(StreamAppSettings.TOPIC_OUTPUT));
        this.traffic = new DemoTraffic(stack.bootstrapServers(), stack.registryUrl(), app.get(StreamAppSettings.TOPIC_INPUT),
                stack.trainerConfig().get(TrainerSettings.TOPIC_FEEDBACK), tracker);
    }

    /** Runs the script and prints its summary; then, unless {@code exitWhenDone}, keeps the view up until interrupted. */
    void run(boolean exitWhenDone, long startNanos) throws Exception {
        LiveView view = new LiveView(out, ansi, this::statusLines);
        view.start(Duration.ofSeconds(5));
        DemoOutcome outcome;
        try {
            outcome = tell(view);
        } catch (Exception | Error e) {
            view.abandon(); // e.g. Ctrl-C: the terminal printed below the block, a redraw would land in the wrong place
            throw e;
        }
        phase = () -> exitWhenDone ? "done" : "done; still running: produce events to see them here (Ctrl-C stops)";
        activeKind = ResultTracker.OTHER;
        view.close(); // the summary goes below the last status block
        printSummary(outcome, startNanos);
        if (!exitWhenDone) {
            out.println();
            out.println("Still running. Try, in another terminal:");
            out.println("  ./triage produce --bootstrap " + stack.bootstrapServers() + " --topic "
                    + stack.appConfig().get(StreamAppSettings.TOPIC_INPUT) + " --format avro --registry "
                    + stack.registryUrl() + " \"WIN a FREE cruise, click now\"");
            out.println("  ./triage consume --bootstrap " + stack.bootstrapServers() + " --topic "
                    + stack.appConfig().get(StreamAppSettings.TOPIC_OUTPUT) + " --registry " + stack.registryUrl() + " -n 5");
            out.println("Ctrl-C stops everything.");
            out.flush();
            LiveView idle = new LiveView(out, ansi, this::statusLines);
            idle.start(Duration.ofSeconds(5));
            try {
                while (true) {
                    Thread.sleep(1000);
                    tracker.check();
                }
            } finally {
                idle.abandon();
            }
        }
    }

    private DemoOutcome tell(LiveView view) throws Exception {
        DemoSplit split = setting.split();
        view.println(step(3, "bootstrap: " + split.bootstrap().size() + " labeled e-mails go to the trainer as feedback;"
                + " it trains v1 (head mode) and the stream app swaps to it"));
        phase = () -> "bootstrap: " + split.bootstrap().size() + " labeled e-mails sent";
        long t = System.nanoTime();
        traffic.sendFeedback(split.bootstrap());
        Trained v1 = retrain(view, split.bootstrap().size(), t);
        view.println(String.format(Locale.ROOT, "      %s serves, %.1f s after the feedback was sent: trained on %s e-mails,"
                        + " accuracy %s on the trainer's held-out feedback", v1.version(), v1.seconds(), v1.trainedOn(),
                percent(v1.outcome().candidate())));

        view.println(step(4, "v1 scores the " + split.evaluation().size() + " held-back e-mails (never trained on),"
                + " sent as fast as they go"));
        HeldBack before = scoreHeldBack(HELD_BACK_V1, v1.version());
        view.println(String.format(Locale.ROOT, "      v1: %s; %s events/s flat out", describe(before.score),
                number(before.eventsPerSecond)));

        double rate = setting.rate() > 0 ? setting.rate()
                : Math.min(AUTO_RATE_MAX, Math.max(0.5, AUTO_RATE_SHARE * before.eventsPerSecond));
        String why = setting.rate() > 0 ? "" : String.format(Locale.ROOT, " (%.0f%% of flat out, at most %s/s, so"
                + " that the trainer gets CPU too; --rate sets it)", 100 * AUTO_RATE_SHARE, number(AUTO_RATE_MAX));
        view.println(step(5, String.format(Locale.ROOT, "streaming %d e-mails at %s/s%s; at %.0f%% of them the %d"
                        + " feedback e-mails go to the trainer, it trains v2 and the stream app hot-swaps to it",
                split.stream().size(), number(rate), why, FEEDBACK_AT * 100, split.feedback().size())));
        StreamRun stream = streamWithRetrain(view, rate);

        view.println(step(6, "v2 scores the same " + split.evaluation().size() + " held-back e-mails"));
        HeldBack after = scoreHeldBack(HELD_BACK_V2, stream.v2().version());
        view.println("      v2: " + describe(after.score));
        return new DemoOutcome(v1, stream, before.score, after.score);
    }

    /**
     * Waits until the trainer stored {@code feedbackTotal} examples, asks it for a run, and waits until the stream
     * app serves the version it published.
     *
     * @param sentNanos when the feedback was sent
     */
    private Trained retrain(LiveView view, int feedbackTotal, long sentNanos) throws InterruptedException {
        trainerState = "storing feedback";
        await(() -> storedFeedback() >= feedbackTotal, "the trainer to store " + feedbackTotal + " feedback e-mails");
        int runsBefore = stack.trainer().finishedRuns();
        trainerState = "training on " + feedbackTotal + " e-mails (20% held out to check the result)";
        stack.trainer().requestRetrain();
        await(() -> stack.trainer().finishedRuns() > runsBefore, "the training run");
        RunOutcome outcome = stack.trainer().lastOutcome().orElseThrow();
        if (outcome.status() != RunOutcome.Status.PROMOTED) {
            throw new IllegalStateException("the trainer did not publish a new version: " + outcome.status() + ", "
                    + outcome.message());
        }
        trainerState = "published " + outcome.version() + "; the stream app loads it";
        view.println(String.format(Locale.ROOT, "      trainer published %s (%.1f s after the feedback was sent); the"
                + " stream app loads and warms it off the stream thread, then swaps between two batches",
                outcome.version(), seconds(sentNanos)));
        await(() -> outcome.version().equals(stack.servingVersion()), "the stream app to serve " + outcome.version());
        trainerState = "idle (" + outcome.version() + " published)";
        ModelUpdate update = stack.latestUpdate().filter(u -> u.getVersion().equals(outcome.version()))
                .orElseThrow(() -> new IllegalStateException("no update for " + outcome.version() + " on the update topic"));
        return new Trained(outcome.version(), outcome, update, seconds(sentNanos));
    }

    private long storedFeedback() {
        try {
            return stack.storedFeedback();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** One version's score on the held-back part, and how fast the system classified it. */
    private record HeldBack(Score score, double eventsPerSecond) {}

    /** Sends the held-back part as fast as it goes and scores the results of {@code version}. */
    private HeldBack scoreHeldBack(String kind, String version) throws InterruptedException {
        List<LabeledMail> mails = setting.split().evaluation();
        AtomicInteger sent = new AtomicInteger();
        activeKind = kind;
        phase = () -> String.format(Locale.ROOT, "held-back e-mails: %d/%d sent", sent.get(), mails.size());
        long t = System.nanoTime();
        traffic.sendEvents(kind, mails, 0, sent);
        await(() -> tracker.stats(kind).results() >= mails.size(), "the results of the held-back e-mails");
        double eventsPerSecond = mails.size() / seconds(t);
        Score score = tracker.stats(kind).perVersion().get(version);
        if (score == null || score.total() != mails.size()) {
            throw new IllegalStateException("expected all held-back results from " + version + ", got "
                    + tracker.stats(kind).perVersion());
        }
        return new HeldBack(score, eventsPerSecond);
    }

    private StreamRun streamWithRetrain(LiveView view, double rate) throws Exception {
        DemoSplit split = setting.split();
        int total = split.stream().size();
        AtomicInteger sent = new AtomicInteger();
        activeKind = STREAM;
        phase = () -> String.format(Locale.ROOT, "streaming: %d/%d e-mails sent at %s/s", sent.get(), total,
                number(rate));
        FutureTask<Double> sending = new FutureTask<>(() -> {
            long start = System.nanoTime();
            traffic.sendEvents(STREAM, split.stream(), rate, sent);
            return seconds(start);
        });
        Thread sender = new Thread(sending, "demo-stream-sender");
        sender.start();
        try {
            awaitSent(sending, sent, Math.max(1, Math.round(total * BAD_RECORDS_AT)));
            traffic.sendBadRecords();
            view.println("      " + DemoTraffic.BAD_RECORDS + " bad records sent on purpose (not Avro; empty text):"
                    + " they become dead letters, the stream goes on");

            awaitSent(sending, sent, Math.round(total * FEEDBACK_AT));
            long t = System.nanoTime();
            int reviewed = simulatedReview(view);
            view.println("      " + split.feedback().size() + " labeled e-mails go to the trainer as feedback");
            traffic.sendFeedback(split.feedback());
            // each reviewer's label is a transaction of its own: its record and its commit marker take an offset each
            Trained v2 = retrain(view, split.bootstrap().size() + split.feedback().size() + 2 * reviewed, t);
            view.println(String.format(Locale.ROOT, "      hot swap: %s serves, %.1f s after the feedback was sent, and the"
                            + " stream never stopped: trained on %s e-mails, %s on the trainer's held-out feedback vs %s"
                            + " for v1", v2.version(), v2.seconds(), v2.trainedOn(), percent(v2.outcome().candidate()),
                    percent(v2.outcome().current())));
            double sendSeconds = sendingResult(sending);
            await(() -> tracker.stats(STREAM).results() >= total, "the results of the streamed e-mails");
            return new StreamRun(v2, sendSeconds, reviewed);
        } finally {
            sending.cancel(true);
            sender.join();
        }
    }

    /**
     * A reviewer labels the uncertain streamed e-mails waiting in the review console, with their known labels; the
     * console sends the labels to the trainer. Held-back e-mails are skipped: they must stay unseen by training.
     *
     * @return how many it labeled
     */
    private int simulatedReview(LiveView view) throws InterruptedException {
        try {
            DemoReviewer.Outcome o = DemoReviewer.review(stack.consoleUrl(), stack.consoleToken(),
                    id -> id.startsWith(STREAM + ":"), tracker::knownLabel, REVIEW_LIMIT, REVIEW_PATIENCE);
            view.println("      a simulated reviewer labels " + o.labeled() + " streamed e-mails waiting in the review"
                    + " console (" + o.corrected() + " of them v1 had wrong); the console sends the labels to the trainer");
            return o.labeled();
        } catch (IOException e) {
            view.println("      the simulated reviewer could not use the review console: " + e.getMessage());
            return 0;
        }
    }

    /** Waits until {@code n} stream events are sent; fails at once if the sending failed. */
    private void awaitSent(FutureTask<Double> sending, AtomicInteger sent, long n) throws InterruptedException {
        await(() -> sent.get() >= n || sending.isDone(), "the stream to reach event " + n);
        if (sending.isDone()) {
            sendingResult(sending);
        }
    }

    private static double sendingResult(FutureTask<Double> sending) throws InterruptedException {
        try {
            return sending.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("sending the stream failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            tracker.check();
            if (Thread.interrupted()) {
                throw new InterruptedException("stopped while waiting for " + what);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + STEP_TIMEOUT.toMinutes()
                        + " minutes; the log has the details");
            }
            Thread.sleep(100);
        }
    }

    /** The live status block. */
    private List<String> statusLines() {
        KindStats s = tracker.stats(activeKind);
        List<String> lines = new ArrayList<>();
        lines.add("  > " + phase.get());
        lines.add(String.format(Locale.ROOT, "    %s classified | %s events/s | latency p50 %s ms, p99 %s ms |"
                        + " dead letters %d | duplicates %d", s.results(), number(tracker.recentRate()),
                number(s.recentLatencyPercentile(50, RECENT_RESULTS)), number(s.recentLatencyPercentile(99, RECENT_RESULTS)),
                Math.round(stack.app().metrics().deadLetterCount()), s.duplicates()));
        String serving = stack.app().metrics().modelUpdateCount("swapped") == 0
                ? "MiniLM with an untrained head (no version from the trainer yet)" : stack.servingVersion();
        lines.add("    serving " + serving + " | trainer: " + trainerState);
        String predicted = s.predicted().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        String accuracy = s.perVersion().entrySet().stream()
                .map(e -> e.getKey() + " " + percent(e.getValue().accuracy()) + " of " + e.getValue().total())
                .collect(Collectors.joining(", "));
        lines.add("    predicted: " + (predicted.isEmpty() ? "-" : predicted) + " | accuracy vs known labels: "
                + (accuracy.isEmpty() ? "-" : accuracy));
        return lines;
    }

    private void printSummary(DemoOutcome outcome, long startNanos) {
        new DemoSummary(setting.split(), setting.dataDescription())
                .lines(outcome, tracker.stats(STREAM), Math.round(stack.app().metrics().deadLetterCount()),
                        stack.servingVersion(), seconds(startNanos))
                .forEach(out::println);
        out.flush();
    }

    private static String step(int n, String text) {
        return "[" + n + "/6] " + text;
    }

    private static String describe(Score score) {
        return String.format(Locale.ROOT, "accuracy %s (%d of %d right)", percent(score.accuracy()), score.correct(),
                score.total());
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Stops the reader and the producers. */
    @Override
    public void close() throws InterruptedException {
        boolean interrupted = Thread.interrupted(); // see DemoStack.close()
        traffic.close();
        tracker.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
