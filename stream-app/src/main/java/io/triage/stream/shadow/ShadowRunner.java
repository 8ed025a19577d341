package io.triage.stream.shadow;

import io.triage.model.infer.Classification;
import io.triage.model.text.TextInput;
import io.triage.schemas.ShadowReport;
import io.triage.stream.batch.BatchClassifier;
import io.triage.stream.batch.ShadowTap;
import io.triage.stream.ops.ShadowMeters;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * This instance's side of shadow trials (docs/guard-rails.md): at most one candidate at a time, fed the sampled
 * events of every finished batch, and its running figures sent every {@code reportMs} to the shadow-reports topic
 * (key {@code version/instance}), where the trainer adds up every instance's and decides, and shown as
 * {@code triage_shadow_*} ({@link ShadowMeters}). The report producer (and the topic) is opened when the first
 * candidate arrives, so an app in a fleet whose trainer promotes directly never touches the topic.
 */
public final class ShadowRunner implements ShadowTap, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowRunner.class);

    private record Running(ShadowTrial trial, String modelName, String servingVersion, long startedAt) {}

    private final ShadowSample sample;
    private final int queueBatches;
    private final String instance;
    private final Supplier<Producer<byte[], ShadowReport>> openReports;
    private final ShadowMeters meters;
    /** Opened with the first candidate; null before. */
    private Producer<byte[], ShadowReport> reports;
    private final String topic;
    private final long maxTrialMs;
    private final AtomicReference<Running> running = new AtomicReference<>();
    private final ScheduledExecutorService reporter;

    /**
     * @param openReports opens the producer of the reports (and makes sure their topic exists), at the first candidate
     * @param maxTrialMs  a candidate no verdict came for is dropped after this long (twice the trainer's window)
     */
    public ShadowRunner(ShadowSample sample, int queueBatches, String instance,
                        Supplier<Producer<byte[], ShadowReport>> openReports, String topic, long reportMs,
                        long maxTrialMs, ShadowMeters meters) {
        this.sample = sample;
        this.queueBatches = queueBatches;
        this.instance = instance;
        this.openReports = openReports;
        this.meters = meters;
        this.topic = topic;
        this.maxTrialMs = maxTrialMs;
        this.reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "triage-shadow-reporter");
            t.setDaemon(true);
            return t;
        });
        reporter.scheduleWithFixedDelay(this::report, reportMs, reportMs, TimeUnit.MILLISECONDS);
    }

    /** Starts the trial of a loaded and warmed candidate; one running before is ended. */
    public void begin(BatchClassifier candidate, List<String> labels, String servingVersion) {
        try {
            reports(); // opened before the trial starts: a trial this instance cannot report on is no trial
        } catch (RuntimeException e) {
            candidate.close();
            throw e;
        }
        ShadowTrial trial = new ShadowTrial(candidate, labels, queueBatches);
        Running next = new Running(trial, candidate.modelName(), servingVersion, System.currentTimeMillis());
        stop(running.getAndSet(next), "a newer candidate");
        meters.begin(candidate.modelName(), candidate.modelVersion(), () -> {
            ShadowTally.Snapshot f = trial.figures();
            return new ShadowMeters.Counts(f.events(), f.agreed(), f.failures(), trial.dropped());
        });
        LOG.info("shadow trial of version {} beside {} started", candidate.modelVersion(), servingVersion);
    }

    /** The candidate on trial, if any. */
    public String candidateVersion() {
        Running r = running.get();
        return r == null ? null : r.trial().version();
    }

    /** Ends the trial (a verdict came, or a newer version serves): its last figures are reported first. */
    public void end(String why) {
        Running r = running.getAndSet(null);
        if (r != null) {
            send(r);
        }
        stop(r, why);
    }

    @Override
    public void offer(List<String> ids, List<TextInput> inputs, List<Classification> results) {
        Running r = running.get();
        if (r == null) {
            return;
        }
        List<TextInput> sampled = new ArrayList<>();
        List<Classification> served = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (results.get(i) != null && sample.includes(ids.get(i))) {
                sampled.add(inputs.get(i));
                served.add(results.get(i));
            }
        }
        r.trial().offer(sampled, served);
    }

    private void report() {
        try {
            Running r = running.get();
            if (r == null) {
                return;
            }
            if (System.currentTimeMillis() - r.startedAt() > maxTrialMs && running.compareAndSet(r, null)) {
                stop(r, "no verdict within " + maxTrialMs + " ms");
                return;
            }
            send(r);
        } catch (RuntimeException e) {
            LOG.warn("cannot report the shadow trial's figures; trying again at the next report", e);
        }
    }

    private void send(Running r) {
        ShadowTally.Snapshot f = r.trial().figures();
        ShadowReport report = ShadowReport.newBuilder().setModelName(r.modelName()).setVersion(r.trial().version())
                .setServingVersion(r.servingVersion()).setInstance(instance).setLabels(f.labels())
                .setEvents(f.events()).setAgreed(f.agreed()).setFailures(f.failures())
                .setCandidateLabelCounts(longs(f.candidateLabels())).setServingLabelCounts(longs(f.servingLabels()))
                .setCandidateConfidenceSum(f.candidateConfidenceSum()).setDropped(r.trial().dropped())
                .setReportedAt(Instant.now()).build();
        byte[] key = (r.trial().version() + "/" + instance).getBytes(StandardCharsets.UTF_8);
        reports().send(new ProducerRecord<>(topic, key, report));
    }

    private synchronized Producer<byte[], ShadowReport> reports() {
        if (reports == null) {
            reports = openReports.get();
        }
        return reports;
    }

    private static List<Long> longs(long[] counts) {
        return Arrays.stream(counts).boxed().toList();
    }

    private void stop(Running r, String why) {
        if (r != null) {
            LOG.info("shadow trial of version {} ended: {}", r.trial().version(), why);
            meters.end(r.modelName(), r.trial().version());
            r.trial().close();
        }
    }

    @Override
    public void close() {
        reporter.shutdownNow();
        stop(running.getAndSet(null), "the app stops");
        synchronized (this) {
            if (reports != null) {
                reports.close();
            }
        }
    }
}
