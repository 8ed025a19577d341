package io.triage.stream.swap;

import io.triage.schemas.DeadLetter;
import io.triage.schemas.FailureStage;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.UpdateStage;
import io.triage.service.DeadLetters;
import io.triage.service.ModelUpdateLog;
import io.triage.service.ModelUpdateRejected;
import io.triage.stream.ops.StreamMetrics;
import io.triage.stream.shadow.ShadowRunner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * Follows the model-update topic on a thread of its own and hands each update to the {@link ModelSwapper}. A
 * rejected update is logged, counted and reported on the dead-letter topic; the old model keeps serving.
 * Rolling back is publishing an older version again: it is just another update. The thread runs at a low CPU
 * priority ({@link BackgroundPriority}): loading a new model must not slow down the one serving.
 */
public final class ModelFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFollower.class);

    private final ModelUpdateLog log;
    private final ModelSwapper swapper;
    private final Producer<byte[], DeadLetter> deadLetters;
    private final String deadLetterTopic;
    private final int deadLetterMaxBytes;
    private final StreamMetrics metrics;
    /** Runs candidates' shadow trials; null: candidates are ignored (promotion.mode=direct). */
    private final ShadowRunner shadow;
    private final Thread thread;
    private volatile boolean running = true;

    public ModelFollower(ModelUpdateLog log, ModelSwapper swapper, Producer<byte[], DeadLetter> deadLetters,
                         String deadLetterTopic, int deadLetterMaxBytes, StreamMetrics metrics) {
        this(log, swapper, deadLetters, deadLetterTopic, deadLetterMaxBytes, metrics, null);
    }

    /** @param shadow runs the shadow trials of candidates; null: candidates are ignored */
    public ModelFollower(ModelUpdateLog log, ModelSwapper swapper, Producer<byte[], DeadLetter> deadLetters,
                         String deadLetterTopic, int deadLetterMaxBytes, StreamMetrics metrics, ShadowRunner shadow) {
        this.shadow = shadow;
        this.log = log;
        this.swapper = swapper;
        this.deadLetters = deadLetters;
        this.deadLetterTopic = deadLetterTopic;
        this.deadLetterMaxBytes = deadLetterMaxBytes;
        this.metrics = metrics;
        this.thread = new Thread(this::follow, "triage-model-follower");
        this.thread.setDaemon(true);
    }

    /**
     * Serves the newest valid version on the topic: the newest accepted update that fetches, verifies and loads,
     * falling back to older accepted ones when it does not. Refused records of the history are logged and counted
     * (not dead-lettered again on every start).
     *
     * @return false when nothing on the topic could be served (the caller serves its bootstrap model)
     */
    public boolean serveLatest() throws InterruptedException {
        for (ModelUpdateLog.Entry e : log.readToEnd()) {
            if (e.error() != null) {
                LOG.warn("model update at {}-{}@{} refused: {}", e.record().topic(), e.record().partition(),
                        e.record().offset(), e.error().getMessage());
                metrics.modelUpdate(e.error().reason().name());
            }
        }
        for (ModelUpdate candidate : log.acceptedNewestFirst()) {
            try {
                swapper.apply(candidate);
                metrics.modelUpdate("swapped");
                return true;
            } catch (ModelUpdateRejected e) {
                LOG.error("model version {} cannot be served, trying an older one: {}", candidate.getVersion(),
                        e.getMessage(), e);
                metrics.modelUpdate(e.reason().name());
            }
        }
        return false;
    }

    /** Starts following updates published from now on. */
    public void start() {
        thread.start();
    }

    private void follow() {
        BackgroundPriority.lowerCurrentThread();
        while (running) {
            try {
                for (ModelUpdateLog.Entry e : log.poll(Duration.ofSeconds(1))) {
                    handle(e);
                }
            } catch (WakeupException e) {
                // close() asked us to stop
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("model update follower failed; retrying in a second", e);
                sleepQuietly();
            }
        }
    }

    private void handle(ModelUpdateLog.Entry e) throws InterruptedException {
        if (e.withdrawnCandidate()) {
            if (shadow != null) {
                shadow.end("the trainer rejected the candidate"); // it frees the candidate now, not at shadow.max.ms
            }
            return;
        }
        if (e.error() != null) {
            reject(e.record(), e.error());
            return;
        }
        if (e.update().getStage() == UpdateStage.CANDIDATE) {
            // a shadow-trial candidate (docs/guard-rails.md) is never swapped to: only its promotion is
            try {
                trial(e.update());
            } catch (ModelUpdateRejected rejected) {
                reject(e.record(), rejected);
            }
            return;
        }
        if (shadow != null) {
            shadow.end("version " + e.update().getVersion() + " is announced to serve");
        }
        try {
            if (swapper.apply(e.update())) {
                metrics.modelUpdate("swapped");
            }
        } catch (ModelUpdateRejected rejected) {
            reject(e.record(), rejected);
        }
    }

    private void trial(ModelUpdate candidate) throws ModelUpdateRejected {
        if (shadow == null) {
            LOG.info("model version {} announced as a candidate; promotion.mode is direct here: ignored",
                    candidate.getVersion());
            metrics.modelUpdate("candidate_ignored");
            return;
        }
        shadow.begin(swapper.prepare(candidate), candidate.getLabels(), swapper.servedVersion());
        metrics.modelUpdate("candidate");
    }

    /** Logs, counts and dead-letters a refused update; a dead letter that cannot be sent is retried, never dropped. */
    private void reject(ConsumerRecord<byte[], byte[]> record, ModelUpdateRejected error) throws InterruptedException {
        String reason = error.reason().name();
        LOG.error("model update at {}-{}@{} rejected, the current model keeps serving: {}", record.topic(),
                record.partition(), record.offset(), error.getMessage());
        metrics.modelUpdate(reason);
        DeadLetter letter = DeadLetters.of(record.key(), record.value(), record.topic(), record.partition(),
                record.offset(), FailureStage.MODEL_UPDATE, error, reason, System.currentTimeMillis(),
                deadLetterMaxBytes);
        while (running) {
            try {
                deadLetters.send(new ProducerRecord<>(deadLetterTopic, record.key(), letter)).get();
                return;
            } catch (ExecutionException | RuntimeException sendFailed) {
                LOG.error("cannot send the dead letter for {}-{}@{}; retrying in a second", record.topic(),
                        record.partition(), record.offset(), sendFailed);
                Thread.sleep(1000);
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        log.wakeup();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the process may exit next: not while a model is being opened in native code
        if (!ServingModelLoader.awaitIdle(Duration.ofSeconds(30))) {
            LOG.warn("a model was still being opened after 30 s; stopping anyway");
        }
        log.close();
        deadLetters.close();
    }
}
