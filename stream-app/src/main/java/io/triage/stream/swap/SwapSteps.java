package io.triage.stream.swap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * Times the steps of one model swap, one after the other, for the log and for the
 * {@code triage_model_swap_step_seconds{step}} timers: where a slow swap spends its time.
 */
public final class SwapSteps {
    /** The timer's name; its {@code step} tag is {@link Step#tag()}. */
    public static final String TIMER = "triage.model.swap.step";

    public enum Step {
        /** The artifact brought to local disk. */
        FETCH,
        /** Its SHA-256 checked. */
        VERIFY,
        /** Loaded on the device. */
        LOAD,
        /** One batch run on it, off the serving path. */
        WARM_UP,
        /** Waiting for the batch in flight, then switching. */
        SWAP,
        /** Closing the old model and handing its native memory back to the OS. */
        RELEASE;

        /** The value of the timer's {@code step} tag. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Step, Long> nanos = new EnumMap<>(Step.class);
    private long lapStart = System.nanoTime();

    SwapSteps() {}

    /** Ends {@code step}: it took the time since the previous step ended (or since this object was made). */
    void done(Step step) {
        long now = System.nanoTime();
        nanos.put(step, now - lapStart);
        lapStart = now;
    }

    void record(MeterRegistry registry) {
        nanos.forEach((step, n) -> Timer.builder(TIMER)
                .description("Time per step of a model swap: fetch, verify, load, warm_up, swap, release")
                .tag("step", step.tag())
                .register(registry)
                .record(n, TimeUnit.NANOSECONDS));
    }

    /** For example {@code "fetch 1 ms, verify 410 ms, load 1250 ms, warm_up 35 ms, swap 80 ms, release 6 ms"}. */
    @Override
    public String toString() {
        StringJoiner out = new StringJoiner(", ");
        nanos.forEach((step, n) -> out.add(step.tag() + " " + n / 1_000_000 + " ms"));
        return out.toString();
    }
}
