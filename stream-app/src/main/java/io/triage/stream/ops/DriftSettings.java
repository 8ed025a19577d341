package io.triage.stream.ops;

import io.triage.stream.config.StreamAppSettings;

/**
 * How live drift is measured: over a sliding window of the last {@code windowEvents} events each version classified,
 * shown once the window holds {@code minEvents}, empty bins counting as {@code epsilon} in the PSI.
 */
public record DriftSettings(int windowEvents, int minEvents, double epsilon) {
    public static final DriftSettings DEFAULTS = new DriftSettings(1000, 200, 1e-4);

    public DriftSettings {
        if (windowEvents < 1 || minEvents < 1 || minEvents > windowEvents) {
            throw new IllegalArgumentException("drift window " + windowEvents + " events, shown from " + minEvents
                    + ": both must be ≥ 1 and the second ≤ the first");
        }
        if (!(epsilon > 0 && epsilon < 0.01)) {
            throw new IllegalArgumentException("drift epsilon must be in (0, 0.01): " + epsilon);
        }
    }

    public static DriftSettings from(StreamAppSettings config) {
        return new DriftSettings(config.getInt(StreamAppSettings.DRIFT_WINDOW_EVENTS, 1),
                config.getInt(StreamAppSettings.DRIFT_MIN_EVENTS, 1),
                config.getDouble(StreamAppSettings.DRIFT_EPSILON, 0, 0.01));
    }
}
