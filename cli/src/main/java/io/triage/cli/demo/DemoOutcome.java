package io.triage.cli.demo;

import io.triage.cli.demo.ResultTracker.Score;
import io.triage.schemas.ModelUpdate;
import io.triage.trainer.service.RunOutcome;

/**
 * What the demo's story found: v1, the stream part with v2 that arrived during it, and the held-back part's score
 * before and after.
 */
record DemoOutcome(Trained v1, StreamRun stream, Score before, Score after) {
    /** A published version: the run's outcome and its update; serving {@code seconds} after its feedback was sent. */
    record Trained(String version, RunOutcome outcome, ModelUpdate update, double seconds) {
        String trainedOn() {
            Double n = update.getMetrics().get("training_examples");
            return n == null ? "?" : String.valueOf(Math.round(n));
        }
    }

    /** The stream part and what happened meanwhile. */
    /** @param reviewed e-mails the simulated reviewer labeled in the console before v2 was trained */
    record StreamRun(Trained v2, double sendSeconds, int reviewed) {}
}
