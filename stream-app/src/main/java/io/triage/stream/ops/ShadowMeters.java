package io.triage.stream.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * This instance's side of each shadow trial (docs/guard-rails.md), as {@code triage_shadow_*{model,version}}: events
 * compared, the candidate's failures, offers dropped because it lagged, its agreement with the serving version, and
 * 1 while it is on trial. Read from the trial when scraped; when the trial ends its last counts stay (versions are
 * few, one per training run), and the trial itself, with its model, is no longer referenced.
 */
public final class ShadowMeters {
    public static final String EVENTS = "triage.shadow.events";
    public static final String FAILURES = "triage.shadow.failures";
    public static final String DROPPED = "triage.shadow.dropped";
    public static final String AGREEMENT = "triage.shadow.agreement";
    public static final String ON_TRIAL = "triage.shadow.candidate";

    /** What a trial has counted so far on this instance. */
    public record Counts(long events, long agreed, long failures, long dropped) {
        double agreement() {
            return events == 0 ? Double.NaN : (double) agreed / events;
        }
    }

    /** One candidate's meters read through {@code source}, replaced by its last counts when the trial ends. */
    private static final class Trial {
        private volatile Supplier<Counts> source;
        private volatile int onTrial;

        Counts counts() {
            return source.get();
        }
    }

    private final MeterRegistry registry;
    private final Map<String, Trial> trials = new ConcurrentHashMap<>();

    ShadowMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A trial of {@code version} begins here; {@code source} is read at each scrape until {@link #end}. */
    public void begin(String model, String version, Supplier<Counts> source) {
        trials.values().forEach(t -> t.onTrial = 0);
        Trial trial = trials.computeIfAbsent(model + "\u0000" + version, k -> register(model, version, new Trial()));
        trial.source = source;
        trial.onTrial = 1;
    }

    /** The trial of {@code version} ended: its last counts stay, and its source is let go. */
    public void end(String model, String version) {
        Trial trial = trials.get(model + "\u0000" + version);
        if (trial != null) {
            Counts last = trial.counts();
            trial.source = () -> last;
            trial.onTrial = 0;
        }
    }

    /** The events compared for {@code version} so far; 0 before its trial. */
    public double events(String version) {
        return Search.in(registry).name(EVENTS).tag("version", version).functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum();
    }

    /** Whether {@code version} runs as a candidate on this instance now. */
    public boolean onTrial(String version) {
        return Search.in(registry).name(ON_TRIAL).tag("version", version).gauges().stream()
                .anyMatch(g -> g.value() == 1);
    }

    private Trial register(String model, String version, Trial trial) {
        String[] tags = {"model", model, "version", version};
        FunctionCounter.builder(EVENTS, trial, t -> t.counts().events()).tags(tags)
                .description("Events the shadow-trial candidate classified beside the serving version").register(registry);
        FunctionCounter.builder(FAILURES, trial, t -> t.counts().failures()).tags(tags)
                .description("Events the shadow-trial candidate failed on (an exception, a NaN score)").register(registry);
        FunctionCounter.builder(DROPPED, trial, t -> t.counts().dropped()).tags(tags)
                .description("Sampled batches dropped because the candidate had not caught up").register(registry);
        Gauge.builder(AGREEMENT, trial, t -> t.counts().agreement()).tags(tags)
                .description("Share of compared events where the candidate chose the serving version's label")
                .register(registry);
        Gauge.builder(ON_TRIAL, trial, t -> t.onTrial).tags(tags)
                .description("1 while the version runs as a shadow-trial candidate on this instance").register(registry);
        return trial;
    }
}
