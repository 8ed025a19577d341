package io.triage.training.train;

import io.triage.training.eval.EpochMetrics;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows training progress: on a terminal a progress bar per phase (examples done, examples/s, ETA, running
 * loss); otherwise — logs, CI — a plain line at every tenth of a phase but at most one per
 * {@value #LINE_INTERVAL_SECONDS} s, since a redrawn bar would flood them. Each epoch ends with a line of its
 * validation scores.
 */
public final class ConsoleProgress implements TrainingListener {
    static final int LINE_INTERVAL_SECONDS = 10;
    private final PrintStream out;
    private final boolean terminal;
    private ProgressBar bar;
    private String phase;
    private long phaseStart;
    private long lastLine;
    private int total;
    private int nextTenth;
    private double lossSum;
    private int steps;

    /** On standard error, with a bar when the JVM has a console. */
    public static ConsoleProgress onStandardError() {
        return new ConsoleProgress(System.err, System.console() != null);
    }

    public ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void onFeatureExtraction(int done, int total) {
        if (phase == null) {
            begin("features (frozen encoder, once)", total);
        }
        progress(done, null);
        if (done == total) {
            end();
            double seconds = (System.nanoTime() - phaseStart) / 1e9;
            out.printf(Locale.ROOT, "features of %d examples in %.1f s (%.1f ex/s)%n", total, seconds, total / seconds);
        }
    }

    @Override
    public void onEpochStart(int epoch, int epochs, int examples) {
        begin("epoch " + epoch + "/" + epochs, examples);
        lossSum = 0;
        steps = 0;
    }

    @Override
    public void onBatch(int epoch, int examplesDone, float loss) {
        if (Float.isFinite(loss)) { // skipped steps (FineTuner logs them) stay out of the running mean
            lossSum += loss;
            steps++;
        }
        progress(examplesDone, String.format(Locale.ROOT, "loss %.4f", steps == 0 ? Double.NaN : lossSum / steps));
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        end();
        String validation = m.valLoss() == null ? "no validation data" : m.valWeightedF1() == null
                ? String.format(Locale.ROOT, "val loss %.4f, subset accuracy %.4f, macro F1 %.4f", // multi-label
                        m.valLoss(), m.valAccuracy(), m.valMacroF1())
                : String.format(Locale.ROOT, "val loss %.4f, accuracy %.4f, weighted F1 %.4f, macro F1 %.4f",
                        m.valLoss(), m.valAccuracy(), m.valWeightedF1(), m.valMacroF1());
        out.printf(Locale.ROOT, "epoch %d: train loss %.4f, %s (%.1f ex/s, %.0f s)%n",
                m.epoch(), m.trainLoss(), validation, m.examplesPerSecond(), m.seconds());
    }

    private void begin(String name, int size) {
        phase = name;
        total = size;
        phaseStart = System.nanoTime();
        lastLine = phaseStart;
        nextTenth = 1;
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(size).setUnit(" ex", 1).showSpeed()
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build();
        }
    }

    private void progress(int done, String message) {
        if (bar != null) {
            bar.stepTo(done);
            if (message != null) {
                bar.setExtraMessage(message);
            }
            return;
        }
        long now = System.nanoTime();
        if (done * 10L < (long) nextTenth * total || done == total || now - lastLine < LINE_INTERVAL_SECONDS * 1_000_000_000L) {
            return;
        }
        while (done * 10L >= (long) nextTenth * total) {
            nextTenth++;
        }
        lastLine = now;
        double seconds = (System.nanoTime() - phaseStart) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        Duration eta = Duration.ofSeconds(Math.round((total - done) / Math.max(rate, 1e-9)));
        out.printf(Locale.ROOT, "%s: %d/%d ex (%d%%), %.1f ex/s, ETA %s%s%n", phase, done, total, done * 100L / total,
                rate, eta.toString().substring(2).toLowerCase(Locale.ROOT), message == null ? "" : ", " + message);
    }

    private void end() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        phase = null;
    }
}
