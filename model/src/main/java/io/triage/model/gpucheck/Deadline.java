package io.triage.model.gpucheck;

/**
 * The time the check may still use. The device run has a hard limit; sections ask before they start and skip
 * themselves when too little is left, so that a run that is cut short still reports what it measured.
 */
final class Deadline {
    private final long endNanos;

    Deadline(double seconds) {
        this.endNanos = System.nanoTime() + (long) (seconds * 1e9);
    }

    double remainingSeconds() {
        return (endNanos - System.nanoTime()) / 1e9;
    }

    /** Whether {@code seconds} more fit before the deadline. */
    boolean allows(double seconds) {
        return remainingSeconds() >= seconds;
    }
}
