package io.triage.console;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The console's meters, scraped at {@code /metrics} as the other apps' are: labels sent and undos, the review
 * queue's waiting events and leases, and failed or refused sign-ins.
 */
final class ConsoleMetrics {
    static final String LABELS = "triage.console.labels", UNDOS = "triage.console.undos",
            WAITING = "triage.console.waiting", LEASES = "triage.console.leases",
            SIGN_IN_FAILURES = "triage.console.signin.failures";
    /** Why a sign-in failed: a wrong token or an unusable name, or refused by the rate limit before any check. */
    enum SignInFailure { WRONG, LIMITED }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter labelsSent, labelsUndone;

    ConsoleMetrics(ReviewDesk desk) {
        labelsSent = Counter.builder(LABELS).description("Labels written to the feedback topic").register(registry);
        labelsUndone = Counter.builder(UNDOS).description("Labels a reviewer took back to correct").register(registry);
        Gauge.builder(WAITING, desk, d -> d.counts().waiting())
                .description("Events waiting for a label, those leased to a reviewer included").register(registry);
        Gauge.builder(LEASES, desk, d -> d.counts().leased())
                .description("Events leased to a reviewer now").register(registry);
        for (SignInFailure reason : SignInFailure.values()) {
            Counter.builder(SIGN_IN_FAILURES).description("Sign-ins that failed or the rate limit refused")
                    .tag("reason", reason.name().toLowerCase()).register(registry);
        }
    }

    void labeled() {
        labelsSent.increment();
    }

    void undone() {
        labelsUndone.increment();
    }

    void signInFailed(SignInFailure reason) {
        registry.counter(SIGN_IN_FAILURES, "reason", reason.name().toLowerCase()).increment();
    }

    String scrape() {
        return registry.scrape();
    }
}
