package io.triage.trainer.rollback;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Each version's accuracy on live labels (docs/guard-rails.md, automatic rollback): what a version served, by input
 * id, is remembered for the newest {@code maxTracked} events; a label that arrives later for one of them (feedback
 * with the event's id, a reviewer's label) is scored against what was served, once. Thread-safe.
 * Fed by {@link ServedResults} (what was served) and the trainer's feedback reader (the labels).
 */
public final class LiveAccuracy {
    /** Live labels a version was scored on and how many agreed with what it served. */
    public record Score(long labels, long correct) {
        public static final Score NONE = new Score(0, 0);

        /** NaN before any label. */
        public double accuracy() {
            return labels == 0 ? Double.NaN : (double) correct / labels;
        }

        Score plus(boolean agreed) {
            return new Score(labels + 1, correct + (agreed ? 1 : 0));
        }
    }

    private record Served(String version, String label) {}

    private final Map<String, Served> served;
    private final Map<String, Score> scores = new HashMap<>();

    public LiveAccuracy(int maxTracked) {
        if (maxTracked < 1) {
            throw new IllegalArgumentException("track at least one event: " + maxTracked);
        }
        // insertion order: the eldest entry is the oldest served event, dropped first (bounded memory)
        this.served = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Served> eldest) {
                return size() > maxTracked;
            }
        };
    }

    /** A result read from the output topic: {@code version} answered {@code label} for input {@code inputId}. */
    public synchronized void served(String inputId, String version, String label) {
        if (inputId != null && version != null && label != null) {
            served.put(inputId, new Served(version, label));
        }
    }

    /**
     * A true label for input {@code inputId}.
     *
     * @return the version it was scored against; empty when the input is not (or no longer) tracked, or was scored
     *     already (a label counts once, so a resent feedback record cannot tip a rollback)
     */
    public synchronized Optional<String> labeled(String inputId, String trueLabel) {
        Served s = inputId == null ? null : served.remove(inputId);
        if (s == null || trueLabel == null) {
            return Optional.empty();
        }
        scores.put(s.version(), score(s.version()).plus(s.label().equals(trueLabel)));
        return Optional.of(s.version());
    }

    public synchronized Score score(String version) {
        return scores.getOrDefault(version, Score.NONE);
    }

    public synchronized int tracked() {
        return served.size();
    }
}
