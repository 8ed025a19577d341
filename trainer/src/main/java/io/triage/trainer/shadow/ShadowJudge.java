package io.triage.trainer.shadow;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decides one candidate's shadow trial for the whole fleet (docs/guard-rails.md, step 4). Each stream-app instance
 * reports its running figures; the latest report of each instance counts (a report replaces that instance's
 * previous one, so a resent report cannot count twice), and their sum is judged once it covers
 * {@code windowEvents}, or once {@code window} has passed since the announcement with at least {@code minEvents}.
 * Not thread-safe: the trainer's run thread owns it.
 */
public final class ShadowJudge {
    private final String version;
    private final List<String> labels;
    private final Instant announcedAt;
    private final ShadowBounds bounds;
    private final long windowEvents;
    private final Duration window;
    private final long minEvents;
    private final Map<String, ShadowFigures> latestByInstance = new LinkedHashMap<>();

    /** The outcome: promoted when {@code rejection} is empty; {@code took} is the time since the announcement. */
    public record Verdict(String version, ShadowFigures figures, Optional<String> rejection, Duration took) {
        public boolean promoted() {
            return rejection.isEmpty();
        }

        /** The trial's figures and verdict as one readable block (the trainer's log, docs/guard-rails.md). */
        public String summary() {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "shadow trial of %s: %s%n", version,
                    rejection.map(r -> "REJECTED, " + r).orElse("PROMOTED")));
            s.append(String.format(Locale.ROOT, "  events compared      %d%n  agreement            %.4f%n"
                    + "  mean confidence      %.4f%n  failures             %d%n  announcement→verdict %d ms%n"
                    + "  label shares         candidate  serving%n", figures.events(), figures.agreement(),
                    figures.meanConfidence(), figures.failures(), took.toMillis()));
            for (int i = 0; i < figures.labels().size(); i++) {
                s.append(String.format(Locale.ROOT, "    %-18s %9.4f  %7.4f%n", figures.labels().get(i),
                        ShadowFigures.share(figures.candidateLabels(), i), ShadowFigures.share(figures.servingLabels(), i)));
            }
            return s.toString();
        }

        /** The reason's name, as a metric label: {@code LABEL_COLLAPSED}, {@code FAILURES}, ... */
        public Optional<String> reason() {
            return rejection.map(r -> r.substring(0, r.indexOf(':') < 0 ? r.length() : r.indexOf(':')));
        }
    }

    public ShadowJudge(String version, List<String> labels, Instant announcedAt, ShadowBounds bounds,
                       long windowEvents, Duration window, long minEvents) {
        if (windowEvents < 1 || minEvents < 0 || window.isNegative()) {
            throw new IllegalArgumentException("shadow window: " + windowEvents + " events, " + window + ", at least "
                    + minEvents + " events");
        }
        this.version = version;
        this.labels = List.copyOf(labels);
        this.announcedAt = announcedAt;
        this.bounds = bounds;
        this.windowEvents = windowEvents;
        this.window = window;
        this.minEvents = minEvents;
    }

    public String version() {
        return version;
    }

    /**
     * One instance's running figures for this candidate.
     *
     * @return false when the report is not about this trial (another version or other labels): ignored
     */
    public boolean report(String reportVersion, String instance, ShadowFigures figures) {
        if (!version.equals(reportVersion) || !labels.equals(figures.labels())) {
            return false;
        }
        // reports are keyed version/instance, so one instance's arrive in order: the latest is the current one
        latestByInstance.put(instance, figures);
        return true;
    }

    /** The fleet's figures so far. */
    public ShadowFigures figures() {
        ShadowFigures sum = ShadowFigures.none(labels);
        for (ShadowFigures f : latestByInstance.values()) {
            sum = sum.plus(f);
        }
        return sum;
    }

    /**
     * The verdict once the window is complete; empty while the trial goes on. Past the window with fewer than
     * {@code minEvents}, it goes on until they arrive (a trial never promotes on too little), unless twice the window
     * has passed: then the candidate is rejected for lack of events.
     */
    public Optional<Verdict> decide(Instant now) {
        ShadowFigures sum = figures();
        Duration elapsed = Duration.between(announcedAt, now);
        boolean full = sum.events() >= windowEvents;
        boolean timedOut = elapsed.compareTo(window) >= 0 && sum.events() >= Math.max(1, minEvents);
        if (full || timedOut) {
            return Optional.of(new Verdict(version, sum, bounds.rejection(sum), elapsed));
        }
        if (elapsed.compareTo(window.multipliedBy(2)) >= 0) {
            return Optional.of(new Verdict(version, sum, Optional.of("TOO_FEW_EVENTS: " + sum.events()
                    + " events compared in " + elapsed.toMillis() + " ms, fewer than " + Math.max(1, minEvents)), elapsed));
        }
        return Optional.empty();
    }
}
