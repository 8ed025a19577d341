package io.triage.trainer.service;

/**
 * What a training run did.
 *
 * @param version      the version it trained (published or not); null when it did not train
 * @param candidate    the trained version's promotion metric on the evaluation set; NaN when it did not train
 * @param current      the serving version's score on the same set (the majority-class guess before any version)
 * @param message      one line for logs and the {@code /retrain} answer
 */
public record RunOutcome(Status status, String version, double candidate, double current, String message) {
    public enum Status {
        /** Trained, not worse than the current version: published. */
        PROMOTED,
        /** Trained, but worse than the current version by more than the tolerance: not published. */
        KEPT_CURRENT,
        /** Not enough data to train and evaluate. */
        SKIPPED,
        /** Training or publishing failed; nothing was published. */
        FAILED
    }

    static RunOutcome skipped(String message) {
        return new RunOutcome(Status.SKIPPED, null, Double.NaN, Double.NaN, message);
    }
}
