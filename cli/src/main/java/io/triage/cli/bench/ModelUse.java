package io.triage.cli.bench;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.triage.stream.ops.StreamMetrics;

import java.util.concurrent.TimeUnit;

/**
 * The stream app's running model totals (batches, events, model time, and the time finished batches waited for the
 * stream thread to pick them up), read from its meters; the difference of two readings tells how busy the model was
 * over a window.
 */
record ModelUse(long batches, double events, double modelSeconds, double pickupSeconds) {
    static ModelUse of(StreamMetrics metrics) {
        Timer timer = metrics.registry().find(StreamMetrics.MODEL_BATCH_TIME).timer();
        DistributionSummary sizes = metrics.registry().find(StreamMetrics.BATCH_SIZE).summary();
        Timer pickup = metrics.registry().find(StreamMetrics.BATCH_PICKUP_TIME).timer();
        return new ModelUse(timer.count(), sizes.totalAmount(), timer.totalTime(TimeUnit.NANOSECONDS) / 1e9,
                pickup.totalTime(TimeUnit.NANOSECONDS) / 1e9);
    }

    /** What was used between {@code before} and this reading. */
    ModelUse since(ModelUse before) {
        return new ModelUse(batches - before.batches, events - before.events, modelSeconds - before.modelSeconds,
                pickupSeconds - before.pickupSeconds);
    }

    /** Mean milliseconds a finished batch waited for the stream thread to forward its results. */
    double meanPickupMs() {
        return 1000 * pickupSeconds / Math.max(1, batches);
    }

    double meanBatchSize() {
        return events / Math.max(1, batches);
    }

    double meanBatchMs() {
        return 1000 * modelSeconds / Math.max(1, batches);
    }

    /** The model's own speed: events per second of model time. */
    double eventsPerModelSecond() {
        return events / modelSeconds;
    }

    /** The share of {@code wallSeconds} the model was busy. */
    double busyShare(double wallSeconds) {
        return modelSeconds / wallSeconds;
    }
}
