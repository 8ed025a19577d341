package io.triage.stream.shadow;

import io.triage.model.infer.Classification;
import io.triage.model.text.TextInput;
import io.triage.schemas.ShadowReport;
import io.triage.stream.batch.BatchClassifier;
import io.triage.stream.batch.ShadowTap;
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

/**
 * This instance's side of shadow trials (docs/guard-rails.md): at most one candidate at a time, fed the sampled
 * events of every finished batch, and its running figures sent every {@code reportMs} to the shadow-reports topic
 * (key {@code version/instance}), where the trainer adds up every instance's and decides.
 */
public final class ShadowRunner implements ShadowTap, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowRunner.class);

    private record Running(ShadowTrial trial, String modelName, String servingVersion, long startedAt) {}

    private final ShadowSample sample;
    private final int queueBatches;
    private final String instance;
    private final Producer<byte[], ShadowReport> reports;
    private final String topic;
    private final long maxTrialMs;
    private final AtomicReference<Running> running = new AtomicReference<>();
    private final ScheduledExecutorService reporter;

    /**
     * @param maxTrialMs a candidate no verdict came for is dropped after this long (twice the trainer's window)
     */
    public ShadowRunner(ShadowSample sample, int queueBatches, String instance, Producer<byte[], ShadowReport> reports,
                        String topic, long reportMs, long maxTrialMs) {
        this.sample = sample;
        this.queueBatches = queueBatches;
        this.instance = instance;
        this.reports = reports;
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
        Running next = new Running(new ShadowTrial(candidate, labels, queueBatches), candidate.modelName(),
                servingVersion, System.currentTimeMillis());
        stop(running.getAndSet(next), "a newer candidate");
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
        reports.send(new ProducerRecord<>(topic, key, report));
    }

    private static List<Long> longs(long[] counts) {
        return Arrays.stream(counts).boxed().toList();
    }

    private static void stop(Running r, String why) {
        if (r != null) {
            LOG.info("shadow trial of version {} ended: {}", r.trial().version(), why);
            r.trial().close();
        }
    }

    @Override
    public void close() {
        reporter.shutdownNow();
        stop(running.getAndSet(null), "the app stops");
        reports.close();
    }
}
