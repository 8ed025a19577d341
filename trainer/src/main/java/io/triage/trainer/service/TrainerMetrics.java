package io.triage.trainer.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.triage.trainer.rollback.LiveAccuracy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The trainer's meters, shown by Prometheus as {@code triage_trainer_*}. Public so that the deploy module's tests can
 * read the names the dashboard and the alerts may use.
 */
public final class TrainerMetrics {
    private final MeterRegistry registry;
    private final AtomicReference<Double> currentScore = new AtomicReference<>(Double.NaN);

    public TrainerMetrics(MeterRegistry registry, FeedbackStore store) {
        this.registry = registry;
        Gauge.builder("triage.trainer.examples", store::size).description("Labeled examples in the snapshot")
                .register(registry);
        Gauge.builder("triage.trainer.examples.bytes", store::bytes)
                .description("Bytes of the snapshot's examples (see feedback.max.bytes)").register(registry);
        Gauge.builder("triage.trainer.examples.full", () -> store.isFull() ? 1 : 0)
                .description("1 while the snapshot is at a cap and evicts its oldest examples").register(registry);
        FunctionCounter.builder("triage.trainer.examples.evicted", store, FeedbackStore::evicted)
                .description("Oldest examples evicted from the snapshot at feedback.max.examples or "
                        + "feedback.max.bytes").register(registry);
        Gauge.builder("triage.trainer.current.score", currentScore, AtomicReference::get)
                .description("The published version's promotion metric on the evaluation set of its run")
                .register(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    /** Counts a feedback record: {@code new}, {@code corrected}, {@code duplicate} or a rejection reason. */
    public void feedback(String outcome) {
        Counter.builder("triage.trainer.feedback").description("Feedback records read, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    double feedbackCount(String outcome) {
        Counter c = registry.find("triage.trainer.feedback").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    /** Counts a training run by its outcome and records how long it took. */
    public void run(RunOutcome.Status status, Duration took) {
        Timer.builder("triage.trainer.runs").description("Training runs, by outcome")
                .tag("outcome", status.name().toLowerCase(java.util.Locale.ROOT)).register(registry).record(took);
    }

    public void published(double score) {
        currentScore.set(score);
    }

    /**
     * A live label scored against what {@code version} served: counts it, and shows the version's live accuracy (the
     * gauge is registered with the version's first label; versions are few, one per training run).
     */
    public void liveLabel(String model, String version, LiveAccuracy live) {
        Gauge.builder("triage.trainer.live.accuracy", live, l -> l.score(version).accuracy())
                .description("Share of live labels (feedback for served events) that agree with what the version "
                        + "served").tags("model", model, "version", version).register(registry);
        Counter.builder("triage.trainer.live.labels").description("Live labels scored, by the version that served "
                + "the event").tags("model", model, "version", version).register(registry).increment();
    }

    /** Counts an automatic rollback (alert TriageModelRolledBack). */
    public void rolledBack(String model, String fromVersion, String toVersion) {
        Counter.builder("triage.trainer.rollbacks").description("Automatic rollbacks to the previous version, on "
                        + "live accuracy").tags("model", model, "from_version", fromVersion, "to_version", toVersion)
                .register(registry).increment();
    }

    /**
     * Counts a shadow trial's verdict (alert TriageShadowCandidateRejected): {@code outcome} promoted or rejected,
     * {@code reason} the rejection's ({@code LABEL_COLLAPSED}, ...) or {@code none}.
     */
    public void shadowVerdict(String model, boolean promoted, String reason) {
        Counter.builder("triage.trainer.shadow.verdicts").description("Shadow trials decided, by outcome and the "
                        + "rejection's reason").tags("model", model, "outcome", promoted ? "promoted" : "rejected",
                        "reason", promoted ? "none" : reason).register(registry).increment();
    }
}
