package io.triage.stream.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import org.apache.kafka.streams.KafkaStreams;
import io.triage.schemas.ReviewReason;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The app's own meters, named so that Prometheus shows them as {@code triage_*}. */
public final class StreamMetrics {
    // the meters' names, for whoever reads them from the registry (benchmarks, the demo, tests)
    public static final String CLASSIFIED = "triage.events.classified";
    public static final String BATCH_SIZE = "triage.batch.size";
    public static final String MODEL_BATCH_TIME = "triage.model.batch.time";
    public static final String BATCH_PICKUP_TIME = "triage.batch.pickup.time";
    public static final String END_TO_END_LATENCY = "triage.end.to.end.latency";
    /** Tagged by {@code stage} and {@code reason}. */
    public static final String DEAD_LETTERS = "triage.dead.letters";
    /** Tagged by {@code reason}: each reason an event was sent for review counts once. */
    public static final String REVIEW_ITEMS = "triage.review.items";
    /** Tagged by {@code outcome}: {@code swapped} or the reason an update was rejected. */
    public static final String MODEL_UPDATES = "triage.model.updates";
    /** Tagged by {@code model} and {@code version}: 1 for the version serving now. */
    public static final String MODEL_SERVING = "triage.model.serving";

    private final MeterRegistry registry;
    private final Counter classified;
    private final DistributionSummary batchSize;
    private final Timer modelTime;
    private final Timer pickupTime;
    private final Timer endToEnd;
    private final Map<String, AtomicInteger> modelInfo = new ConcurrentHashMap<>();
    private final DriftMonitor drift;
    private final ShadowMeters shadow;

    public StreamMetrics(MeterRegistry registry) {
        this(registry, DriftSettings.DEFAULTS);
    }

    public StreamMetrics(MeterRegistry registry, DriftSettings driftSettings) {
        this.registry = registry;
        this.drift = new DriftMonitor(registry, driftSettings);
        this.shadow = new ShadowMeters(registry);
        this.classified = Counter.builder(CLASSIFIED)
                .description("Events classified and written").register(registry);
        this.batchSize = DistributionSummary.builder(BATCH_SIZE)
                .description("Events per micro-batch").serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
                .register(registry);
        this.modelTime = Timer.builder(MODEL_BATCH_TIME)
                .description("Model time per micro-batch").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        this.pickupTime = Timer.builder(BATCH_PICKUP_TIME)
                .description("From the model finishing a micro-batch to the stream thread forwarding its results")
                .register(registry);
        this.endToEnd = Timer.builder(END_TO_END_LATENCY)
                .description("From the input record's timestamp to its result being produced").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The serving version's live drift against its reference. */
    public DriftMonitor drift() {
        return drift;
    }

    /** The shadow trials' figures on this instance. */
    public ShadowMeters shadow() {
        return shadow;
    }

    /** Adds Kafka Streams' client metrics (consumer lag among them), the JVM's memory and the CPU's. */
    public void bindClients(KafkaStreams streams) {
        new KafkaStreamsMetrics(streams).bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    public void batch(int size, long modelNanos) {
        batchSize.record(size);
        modelTime.record(modelNanos, TimeUnit.NANOSECONDS);
    }

    /** How long a finished batch waited for the stream thread to pick up its results. */
    public void pickup(long nanos) {
        pickupTime.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    public void classified(long endToEndMillis) {
        classified.increment();
        endToEnd.record(Math.max(0, endToEndMillis), TimeUnit.MILLISECONDS);
    }

    public void deadLetter(String stage, String reason) {
        Counter.builder(DEAD_LETTERS).description("Records sent to the dead-letter topic")
                .tag("stage", stage).tag("reason", reason).register(registry).increment();
    }

    public void review(List<ReviewReason> reasons) {
        for (ReviewReason reason : reasons) {
            Counter.builder(REVIEW_ITEMS).description("Results sent to the review topic, by reason")
                    .tag("reason", reason.name()).register(registry).increment();
        }
    }

    public double deadLetterCount() {
        return registry.find(DEAD_LETTERS).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Counts a model update by its outcome: {@code swapped} or the reason it was rejected. */
    public void modelUpdate(String outcome) {
        Counter.builder(MODEL_UPDATES).description("Model updates received, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    public double modelUpdateCount(String outcome) {
        Counter c = registry.find(MODEL_UPDATES).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    /** Marks {@code version} of {@code name} as the one serving (1) and every other as not (0). */
    public void servingModel(String name, String version) {
        String key = name + "\u0000" + version;
        modelInfo.values().forEach(v -> v.set(0));
        modelInfo.computeIfAbsent(key, k -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder(MODEL_SERVING, value, AtomicInteger::get)
                    .description("1 for the model version now serving").tag("model", name).tag("version", version)
                    .register(registry);
            return value;
        }).set(1);
    }
}
