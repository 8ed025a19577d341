package io.triage.stream.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.triage.model.drift.ReferenceProfile;
import io.triage.model.infer.Classification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Live drift of the serving version against its reference ({@link ReferenceProfile}, from its artifact): the
 * population stability index of the predicted-label shares, the confidence histogram and the input token-length
 * histogram over a sliding window, exported as {@code triage_drift_*_psi} gauges tagged with model and version.
 * A version without a reference (an older artifact, the bundled model) has no drift gauges.
 */
public final class DriftMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(DriftMonitor.class);
    public static final String LABEL_PSI = "triage.drift.label.psi";
    public static final String CONFIDENCE_PSI = "triage.drift.confidence.psi";
    public static final String LENGTH_PSI = "triage.drift.length.psi";
    public static final String WINDOW_EVENTS = "triage.drift.window.events";

    private final MeterRegistry registry;
    private final DriftSettings settings;
    private final List<Meter> gauges = new ArrayList<>();
    private volatile String servingVersion;
    private volatile LiveWindow window;

    DriftMonitor(MeterRegistry registry, DriftSettings settings) {
        this.registry = registry;
        this.settings = settings;
    }

    /** A new version serves: its window starts empty, the previous version's gauges go. */
    public synchronized void serving(String model, String version, List<String> labels,
                                     Optional<ReferenceProfile> reference) {
        gauges.forEach(registry::remove);
        gauges.clear();
        servingVersion = version;
        window = null;
        if (reference.isEmpty()) {
            LOG.info("{} {} has no {}: no drift metrics for it", model, version, ReferenceProfile.FILE);
            return;
        }
        if (!reference.get().labels().equals(labels)) {
            LOG.warn("{} {}: the reference's labels {} differ from the model's {}; no drift metrics for it", model,
                    version, reference.get().labels(), labels);
            return;
        }
        LiveWindow live = new LiveWindow(reference.get(), settings);
        gauge(LABEL_PSI, "predicted-label shares", model, version, live, LiveWindow.Kind.LABEL);
        gauge(CONFIDENCE_PSI, "confidence histogram", model, version, live, LiveWindow.Kind.CONFIDENCE);
        gauge(LENGTH_PSI, "input token-length histogram", model, version, live, LiveWindow.Kind.LENGTH);
        gauges.add(Gauge.builder(WINDOW_EVENTS, live, LiveWindow::size)
                .description("Events in the drift window of the serving version").tag("model", model)
                .tag("version", version).register(registry));
        window = live;
    }

    private void gauge(String name, String what, String model, String version, LiveWindow live, LiveWindow.Kind kind) {
        gauges.add(Gauge.builder(name, live, w -> w.psi(kind))
                .description("Population stability index of the live " + what + " against the version's "
                        + "reference (NaN until the window holds drift.min.events)")
                .tag("model", model).tag("version", version).register(registry));
    }

    /** Counts one classified event; results of a version that no longer serves are left out. */
    public void observe(Classification result) {
        LiveWindow live = window;
        if (live != null && result.modelVersion() != null && result.modelVersion().equals(servingVersion)) {
            live.add(result.label(), result.score(), result.inputTokens());
        }
    }

    /** The serving version's current PSI of {@code kind} (label, confidence, length), NaN without one. */
    public double psi(String kind) {
        LiveWindow live = window;
        return live == null ? Double.NaN : live.psi(LiveWindow.Kind.valueOf(kind.toUpperCase(Locale.ROOT)));
    }
}
