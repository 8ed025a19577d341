package io.triage.trainer.service;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.triage.model.io.AllowedLocations;
import io.triage.model.io.ArtifactFetcher;
import io.triage.service.AvroLimits;
import io.triage.service.trust.SigningKeys;
import io.triage.service.trust.UpdateSigner;
import io.triage.service.trust.UpdateTrust;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.LabeledExample;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.ShadowReport;
import io.triage.schemas.FailureStage;
import io.triage.service.DeadLetters;
import io.triage.trainer.shadow.ShadowBounds;
import io.triage.trainer.shadow.ShadowJudge;
import io.triage.trainer.shadow.ShadowReports;
import io.triage.service.AvroRecordDecoder;
import io.triage.service.BearerToken;
import io.triage.service.ModelUpdateLog;
import io.triage.service.OpsServer;
import io.triage.service.RegistrySettings;
import io.triage.service.ServiceRunner;
import io.triage.service.TopicProvisioner;
import io.triage.trainer.rollback.AutoRollback;
import io.triage.trainer.rollback.LiveAccuracy;
import io.triage.trainer.rollback.ManualRollback;
import io.triage.trainer.rollback.RollbackRule;
import io.triage.trainer.rollback.ServedResults;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The continuous trainer: keeps the labeled feedback ({@link FeedbackIngester} → {@link FeedbackStore}), and on a
 * {@link RetrainTrigger} runs the {@link Retrainer} on a thread of its own, which publishes new versions on the
 * model-update topic. Runs one at a time; feedback keeps flowing in while a run trains.
 */
public final class TriageTrainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TriageTrainer.class);
    public static final String RETRAIN_PATH = "/retrain";
    /** {@code POST /rollback?version=<v>}: publishes a stored, announced version again (see {@link ManualRollback}). */
    public static final String ROLLBACK_PATH = "/rollback";
    /**
     * How long a rollback request waits for the run thread (a training run in progress outlasts it: 409); twice this
     * stays under the console's 10 s call.
     */
    private static final Duration ROLLBACK_WAIT = Duration.ofSeconds(4);
    /** The model store, read-only, for stream apps that fetch versions over http (see model.store.url). */
    public static final String MODELS_PATH = "/models/";
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    private final TrainerSettings config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Object wake = new Object();
    private final AtomicInteger finishedRuns = new AtomicInteger();
    private final Thread runs = new Thread(this::runWhenDue, "triage-trainer-runs");
    private FeedbackStore store;
    private TrainerMetrics metrics;
    private ModelUpdateLog updates;
    private KafkaProducer<String, ModelUpdate> updateProducer;
    private KafkaProducer<byte[], DeadLetter> deadLetters;
    private FeedbackIngester ingester;
    private Retrainer retrainer;
    private RetrainTrigger trigger;
    private ModelPublisher publisher;
    private LiveAccuracy liveAccuracy;
    private ServedResults servedResults;
    private AutoRollback rollback;
    private ManualRollback manualRollback;
    private OpsServer ops;
    private volatile List<String> knownLabels = List.of();
    private volatile RunOutcome lastOutcome;
    private volatile AutoRollback.Rollback lastRollback;
    /** promotion.mode=shadow: the stream apps' reports; null in direct mode. Owned by the run thread. */
    private ShadowReports shadowReports;
    /** The candidate on trial and its judge; null when none. Owned by the run thread. */
    private ModelUpdate onTrial;
    private ShadowJudge judge;
    /** The candidate judged last: not taken up again while its verdict reaches the topic. Owned by the run thread. */
    private ModelUpdate lastJudged;
    private volatile ShadowJudge.Verdict lastVerdict;
    private volatile boolean running = true;

    private TriageTrainer(TrainerSettings config) {
        this.config = config;
    }

    /** Provisions the topics, opens the snapshot, and starts reading feedback and checking the triggers. */
    public static TriageTrainer start(TrainerSettings config) throws Exception {
        TriageTrainer trainer = new TriageTrainer(config);
        try {
            trainer.startAll();
        } catch (Exception | Error e) {
            trainer.close();
            throw e;
        }
        return trainer;
    }

    private void startAll() throws Exception {
        Map<String, Object> registryConfig = RegistrySettings.of(config);
        TopicProvisioner topics = new TopicProvisioner(config.clientConfig());
        topics.ensure(List.of(config.get(TrainerSettings.TOPIC_FEEDBACK), config.get(TrainerSettings.TOPIC_DEAD_LETTER)),
                config.getInt(TrainerSettings.TOPIC_PARTITIONS, 1));
        topics.ensureCompacted(config.get(TrainerSettings.TOPIC_MODEL_UPDATES));

        Path dataDir = Path.of(config.get(TrainerSettings.DATA_DIR));
        store = FeedbackStore.open(dataDir, new FeedbackStore.Limits(config.getInt(TrainerSettings.FEEDBACK_MAX_EXAMPLES, 1),
                config.getLong(TrainerSettings.FEEDBACK_MAX_BYTES, 1)));
        metrics = new TrainerMetrics(registry, store);
        trigger = RetrainTrigger.load(dataDir, config.getLong(TrainerSettings.RETRAIN_MIN_EXAMPLES, 1),
                config.getLong(TrainerSettings.RETRAIN_INTERVAL_MS, 0), System.currentTimeMillis());
        Optional<UpdateSigner> signer = signer();
        updates = new ModelUpdateLog(config.clientConfig(), registryConfig, config.get(TrainerSettings.TOPIC_MODEL_UPDATES),
                config.get(TrainerSettings.MODEL_NAME), UpdateTrust.verifier(config.getList(TrainerSettings.UPDATE_TRUSTED_KEYS),
                        signer.map(UpdateSigner::publicKey), config.getBoolean(TrainerSettings.UPDATE_ALLOW_UNSIGNED),
                        TrainerSettings.UPDATE_TRUSTED_KEYS, TrainerSettings.UPDATE_ALLOW_UNSIGNED));
        updateProducer = new KafkaProducer<>(reliableProducer(), new StringSerializer(),
                RegistrySettings.avroSerializer(registryConfig));
        deadLetters = new KafkaProducer<>(reliableProducer(), new ByteArraySerializer(),
                RegistrySettings.avroSerializer(registryConfig));
        Path modelStore = Path.of(config.get(TrainerSettings.MODEL_STORE));
        publisher = new ModelPublisher(modelStore, config.get(TrainerSettings.MODEL_STORE_URL),
                config.get(TrainerSettings.MODEL_NAME),
                updateProducer, config.get(TrainerSettings.TOPIC_MODEL_UPDATES),
                new ModelStorePruner(modelStore.resolve(config.get(TrainerSettings.MODEL_NAME)),
                        config.getInt(TrainerSettings.MODEL_STORE_KEEP, 1)), signer);
        startShadow(registryConfig);
        retrainer = new Retrainer(config, store, updates, publisher, fetcher());
        manualRollback = new ManualRollback(publisher::publishAgain, ROLLBACK_WAIT, this::wakeRunThread);
        // before any run: what a trainer stopped mid-publish left in the store
        new ModelStoreRecovery(modelStore.resolve(config.get(TrainerSettings.MODEL_NAME)))
                .recover(updates.latest(), config.get(TrainerSettings.MODEL_STORE_URL));
        knownLabels = retrainer.knownLabels();
        LOG.info("{} examples in the feedback snapshot at {}; labels {}", store.size(), dataDir,
                knownLabels.isEmpty() ? "not fixed yet" : knownLabels);

        ingester = new FeedbackIngester(feedbackConsumer(), new AvroRecordDecoder<>(LabeledExample.class, registryConfig),
                new FeedbackRules(config.getInt(TrainerSettings.MAX_TEXT_BYTES, 1), config.getBoolean(TrainerSettings.LABELS_ALLOW_NEW)),
                this::knownLabels, store, deadLetters, config.get(TrainerSettings.TOPIC_DEAD_LETTER),
                config.getInt(TrainerSettings.DEAD_LETTER_MAX_VALUE_BYTES, 0), metrics, this::liveLabel);
        startRollback(registryConfig);
        ingester.start(config.get(TrainerSettings.TOPIC_FEEDBACK));
        int port = config.getInt(TrainerSettings.HTTP_PORT, -1);
        if (port >= 0) {
            BearerToken retrainToken = BearerToken.of(config.get(TrainerSettings.RETRAIN_TOKEN));
            if (!retrainToken.isEnabled()) {
                LOG.info("{} is empty: POST {} is disabled (answers 401); runs start on the triggers only",
                        TrainerSettings.RETRAIN_TOKEN, RETRAIN_PATH);
            }
            ops = new OpsServer(config.get(TrainerSettings.HTTP_BIND_ADDRESS), port, registry, () -> running,
                    this::isReady)
                    .onPost(RETRAIN_PATH, retrainToken, () -> {
                        requestRetrain();
                        return "retrain requested";
                    })
                    .onPostWithQuery(ROLLBACK_PATH, retrainToken, query -> rollBackTo(query.get("version")))
                    .serveFolder(MODELS_PATH, Path.of(config.get(TrainerSettings.MODEL_STORE)));
        }
        runs.setDaemon(true);
        runs.start();
    }

    /**
     * Automatic rollback (docs/guard-rails.md): the served results are read into {@link LiveAccuracy} before any
     * feedback is, and the rule is checked on the run thread.
     */
    private void startRollback(Map<String, Object> registryConfig) {
        if (!config.getBoolean(TrainerSettings.ROLLBACK_ENABLED)) {
            LOG.info("{} is off: versions are not rolled back on live accuracy", TrainerSettings.ROLLBACK_ENABLED);
            return;
        }
        int track = config.getInt(TrainerSettings.ROLLBACK_TRACK_EVENTS, 1);
        liveAccuracy = new LiveAccuracy(track);
        rollback = new AutoRollback(liveAccuracy, new RollbackRule(config.getDouble(TrainerSettings.ROLLBACK_TOLERANCE,
                0, 0.999), config.getLong(TrainerSettings.ROLLBACK_MIN_LABELS, 1)), publisher::publishAgain);
        servedResults = new ServedResults(servedResultsConsumer(), new AvroRecordDecoder<>(ClassifiedEvent.class,
                registryConfig), config.get(TrainerSettings.MODEL_NAME), track, liveAccuracy);
        servedResults.start(config.get(TrainerSettings.TOPIC_OUTPUT));
    }

    /** promotion.mode=shadow (docs/guard-rails.md): new versions are candidates until their trial passes. */
    private void startShadow(Map<String, Object> registryConfig) throws Exception {
        String mode = config.get(TrainerSettings.PROMOTION_MODE);
        if ("direct".equals(mode)) {
            return;
        }
        if (!"shadow".equals(mode)) {
            throw new IllegalArgumentException(TrainerSettings.PROMOTION_MODE + " is direct or shadow, not " + mode);
        }
        String topic = config.get(TrainerSettings.TOPIC_SHADOW_REPORTS);
        new TopicProvisioner(config.clientConfig()).ensureCompacted(topic);
        Map<String, Object> c = new HashMap<>(config.clientConfig());
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        shadowReports = new ShadowReports(new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                new AvroRecordDecoder<>(ShadowReport.class, registryConfig), topic, config.get(TrainerSettings.MODEL_NAME));
        publisher.announcingCandidates();
    }

    /**
     * The trial of the candidate on the update topic that has no verdict yet ({@link ModelUpdateLog#pendingCandidate}):
     * the one this trainer's run just announced, or one announced before a restart, which is resumed with the reports
     * sent so far, or one another holder of the signing key published. The window counts from its announcement.
     */
    private void beginTrial(ModelUpdate candidate) {
        shadowReports.fromStart();
        onTrial = candidate;
        Instant announcedAt = candidate.getSignedAt() != null ? candidate.getSignedAt() : candidate.getCreatedAt();
        judge = new ShadowJudge(candidate.getVersion(), candidate.getLabels(), announcedAt,
                new ShadowBounds(config.getDouble(TrainerSettings.SHADOW_MIN_AGREEMENT, 0, 1),
                        config.getDouble(TrainerSettings.SHADOW_MIN_LABEL_SHARE, 0, 1),
                        config.getDouble(TrainerSettings.SHADOW_MAX_LABEL_SHARE_CHANGE, 0, 1)),
                config.getLong(TrainerSettings.SHADOW_WINDOW_EVENTS, 1),
                Duration.ofMillis(config.getLong(TrainerSettings.SHADOW_WINDOW_MS, 0)),
                config.getLong(TrainerSettings.SHADOW_MIN_EVENTS, 0));
        LOG.info("shadow trial of version {} (announced at {}) started", candidate.getVersion(), announcedAt);
    }

    /**
     * Takes up the pending candidate when no trial runs, and decides the trial once its window is complete: promoted,
     * the same version is announced to serve (one signed record, so every instance acts alike); rejected, the
     * candidate is withdrawn from the topic, and the reason is counted and dead-lettered. A promotion that fails to
     * send is tried again at the next check.
     */
    private void checkShadow() {
        if (shadowReports == null) {
            return;
        }
        Optional<ModelUpdate> pending;
        try {
            pending = updates.pendingCandidate();
        } catch (RuntimeException e) { // e.g. the registry unreachable: the records are read again next time
            LOG.warn("cannot read the update topic for the shadow trial; trying again at the next check: {}",
                    e.toString());
            return;
        }
        if (judge != null && !pending.equals(Optional.of(onTrial))) {
            // the stream apps moved on too: a newer candidate replaces the trial, a newer serving update ends it
            LOG.info("shadow trial of version {} ends without a verdict: {}", onTrial.getVersion(), pending
                    .map(c -> "candidate " + c.getVersion() + " replaces it").orElse("a newer version serves"));
            judge = null;
            onTrial = null;
        }
        if (judge == null) {
            if (pending.isEmpty() || pending.get().equals(lastJudged)) {
                return; // lastJudged: a rejection whose withdrawal failed is not judged twice by this trainer
            }
            beginTrial(pending.get());
        }
        shadowReports.poll(judge);
        Optional<ShadowJudge.Verdict> verdict = judge.decide(Instant.now());
        if (verdict.isEmpty()) {
            return;
        }
        ShadowJudge.Verdict v = verdict.get();
        String model = config.get(TrainerSettings.MODEL_NAME);
        if (v.promoted()) {
            try {
                publisher.promote(onTrial);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.error("promoting version {} failed; tried again at the next check", v.version(), e);
                return;
            }
            metrics.shadowVerdict(model, true, null);
            LOG.info("version {} passed its shadow trial and serves now:\n{}", v.version(), v.summary());
        } else {
            reject(v, model);
        }
        lastVerdict = v;
        lastJudged = onTrial;
        judge = null;
        onTrial = null;
    }

    /** Counts, logs and dead-letters a rejection, and withdraws the candidate: the serving version stays. */
    private void reject(ShadowJudge.Verdict v, String model) {
        String reason = v.reason().orElseThrow();
        metrics.shadowVerdict(model, false, reason);
        LOG.warn("version {} rejected by its shadow trial, the serving version stays:\n{}", v.version(), v.summary());
        DeadLetter letter = DeadLetters.of(model.getBytes(java.nio.charset.StandardCharsets.UTF_8), null,
                config.get(TrainerSettings.TOPIC_MODEL_UPDATES), -1, -1, FailureStage.MODEL_UPDATE,
                new IllegalStateException("version " + v.version() + ": " + v.rejection().orElseThrow() + "; "
                        + v.summary()), reason, System.currentTimeMillis(),
                config.getInt(TrainerSettings.DEAD_LETTER_MAX_VALUE_BYTES, 0));
        deadLetters.send(new ProducerRecord<>(config.get(TrainerSettings.TOPIC_DEAD_LETTER), null, letter));
        try {
            publisher.withdrawCandidate();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // the rejection stands; only a restarted trainer would judge the candidate once more
            LOG.error("withdrawing the rejected candidate {} from the update topic failed", v.version(), e);
        }
    }

    /** The last shadow trial's verdict, if any. */
    public Optional<ShadowJudge.Verdict> lastShadowVerdict() {
        return Optional.ofNullable(lastVerdict);
    }

    /** A label from the feedback: scored when it is for an event a version served, and tracked still. */
    private void liveLabel(String id, String label) {
        if (liveAccuracy != null) {
            liveAccuracy.labeled(id, label).ifPresent(version ->
                    metrics.liveLabel(config.get(TrainerSettings.MODEL_NAME), version, liveAccuracy));
        }
    }

    /** The key every update is signed with; none only in the insecure mode, which must be asked for. */
    private Optional<UpdateSigner> signer() {
        String key = config.get(TrainerSettings.UPDATE_SIGNING_KEY);
        if (!key.isBlank()) {
            try {
                UpdateSigner signer = new UpdateSigner(SigningKeys.privateKey(key));
                LOG.info("model updates are signed with key {}", signer.keyId());
                return Optional.of(signer);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setting '" + TrainerSettings.UPDATE_SIGNING_KEY + "': " + e.getMessage(), e);
            }
        }
        if (!config.getBoolean(TrainerSettings.UPDATE_ALLOW_UNSIGNED)) {
            throw new IllegalArgumentException("no key to sign model updates with: set '" + TrainerSettings.UPDATE_SIGNING_KEY
                    + "' (`triage keys generate` makes a pair), or, for local experiments only, '"
                    + TrainerSettings.UPDATE_ALLOW_UNSIGNED + "=true'");
        }
        LOG.warn("INSECURE: no {}: model updates are published unsigned", TrainerSettings.UPDATE_SIGNING_KEY);
        return Optional.empty();
    }

    /** Versions to continue from are fetched only from the store, its URL, and the locations configured. */
    private ArtifactFetcher fetcher() {
        List<String> allowed = new ArrayList<>(config.getList(TrainerSettings.ARTIFACT_ALLOWED_URIS));
        allowed.add(config.get(TrainerSettings.MODEL_STORE));
        if (!config.get(TrainerSettings.MODEL_STORE_URL).isBlank()) {
            allowed.add(config.get(TrainerSettings.MODEL_STORE_URL));
        }
        return new ArtifactFetcher(config.getFolderOrTemp(TrainerSettings.MODEL_DOWNLOAD_DIR, "triage-models"),
                new AllowedLocations(allowed), config.getLong(TrainerSettings.ARTIFACT_MAX_BYTES, 1),
                Duration.ofMillis(config.getLong(TrainerSettings.ARTIFACT_FETCH_TIMEOUT_MS, 1)));
    }

    private Map<String, Object> reliableProducer() {
        Map<String, Object> c = new HashMap<>(config.clientConfig());
        c.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        c.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return c;
    }

    private KafkaConsumer<byte[], byte[]> feedbackConsumer() {
        Map<String, Object> c = new HashMap<>(config.clientConfig());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.get(TrainerSettings.GROUP_ID));
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Its own group, never committed: each start reads the recent results again (see {@link ServedResults}). */
    private KafkaConsumer<byte[], byte[]> servedResultsConsumer() {
        Map<String, Object> c = new HashMap<>(config.clientConfig());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.get(TrainerSettings.GROUP_ID) + ".served-results");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // the stream apps create it, partitioned
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 10_000); // notices the topic soon after it appears
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private Collection<String> knownLabels() {
        return knownLabels;
    }

    private void runWhenDue() {
        while (running) {
            try {
                synchronized (wake) {
                    wake.wait(CHECK_EVERY.toMillis());
                }
                handleManualRollback();
                checkRollback();
                checkShadow();
                long changes = store.changes();
                Optional<String> reason = trigger.due(changes, System.currentTimeMillis());
                if (reason.isPresent() && running) {
                    runOnce(reason.get(), changes);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                LOG.error("the training loop failed; it goes on", e);
            }
        }
    }

    /** A failed rollback (e.g. the broker down) is logged and tried again at the next check; training goes on. */
    private void checkRollback() {
        if (rollback == null) {
            return;
        }
        Optional<AutoRollback.Rollback> done;
        try {
            done = rollback.check(updates.acceptedNewestFirst());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt(); // close(): the run loop ends at its next wait
            }
            LOG.error("automatic rollback failed; it is tried again at the next check", e);
            return;
        }
        if (done.isPresent()) {
            AutoRollback.Rollback r = done.get();
            metrics.rolledBack(config.get(TrainerSettings.MODEL_NAME), r.from(), r.to());
            lastRollback = r;
            LOG.warn("rolled back from {} to {} (signed at {}): {}", r.from(), r.to(), r.published().getSignedAt(),
                    r.reason());
        }
    }

    /** On the run thread, which owns the update log: never during a training run or an automatic rollback. */
    private void handleManualRollback() {
        manualRollback.handlePending(updates::acceptedNewestFirst).ifPresent(published ->
                LOG.warn("{} published again on request (signed at {})", published.getVersion(),
                        published.getSignedAt()));
    }

    /** On an HTTP thread: {@code POST /rollback?version=<v>}. */
    private OpsServer.Answer rollBackTo(String version) {
        try {
            ManualRollback.Result result = manualRollback.request(version);
            return new OpsServer.Answer(result.status(), result.message());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new OpsServer.Answer(503, "the trainer is stopping; nothing was published");
        }
    }

    private void wakeRunThread() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void runOnce(String reason, long changes) throws Exception {
        LOG.info("training run starts ({}); {} examples in the snapshot", reason, store.size());
        long start = System.nanoTime();
        RunOutcome outcome;
        try {
            outcome = retrainer.run();
        } catch (Exception e) {
            if (!running) { // stopped by close(): not recorded as a run, so these examples train after a restart
                LOG.info("training run stopped by the shutdown; it runs again after the next start");
                return;
            }
            LOG.error("training run failed; no update was acknowledged", e);
            outcome = new RunOutcome(RunOutcome.Status.FAILED, null, Double.NaN, Double.NaN, String.valueOf(e.getMessage()));
        }
        trigger.ran(changes, System.currentTimeMillis());
        metrics.run(outcome.status(), Duration.ofNanos(System.nanoTime() - start));
        if (outcome.status() == RunOutcome.Status.PROMOTED) {
            metrics.published(outcome.candidate()); // a candidate's trial is taken up from the topic: checkShadow
        }
        knownLabels = retrainer.knownLabels();
        LOG.info("training run {}: {}", outcome.status(), outcome.message());
        lastOutcome = outcome;
        finishedRuns.incrementAndGet();
    }

    /** Trains at the next check, whatever arrived since the last run. */
    public void requestRetrain() {
        trigger.request();
        wakeRunThread();
    }

    /** Ready once the feedback consumer owns its partitions. */
    public boolean isReady() {
        return ingester != null && ingester.isAssigned();
    }

    /** The outcome of the last finished run, if any. */
    public Optional<RunOutcome> lastOutcome() {
        return Optional.ofNullable(lastOutcome);
    }

    /** The last automatic rollback, if any. */
    public Optional<AutoRollback.Rollback> lastRollback() {
        return Optional.ofNullable(lastRollback);
    }

    /** Each version's live accuracy; empty when automatic rollback is off. */
    public Optional<LiveAccuracy> liveAccuracy() {
        return Optional.ofNullable(liveAccuracy);
    }

    /** The served results read for automatic rollback; empty when it is off. */
    public Optional<ServedResults> servedResults() {
        return Optional.ofNullable(servedResults);
    }

    public int finishedRuns() {
        return finishedRuns.get();
    }

    public int httpPort() {
        return ops == null ? -1 : ops.port();
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        running = false;
        synchronized (wake) {
            wake.notifyAll();
        }
        if (ops != null) {
            ops.close();
        }
        try {
            if (ingester != null) {
                ingester.close();
            }
            if (servedResults != null) {
                servedResults.close();
            }
            if (shadowReports != null) {
                shadowReports.wakeup(); // closed below, once the run thread that owns it has stopped
            }
            // a run in progress stops at its next batch; an artifact being written is atomic anyway
            runs.interrupt();
            runs.join(Duration.ofMinutes(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (updates != null) {
            updates.close();
        }
        if (shadowReports != null) {
            shadowReports.close();
        }
        if (updateProducer != null) {
            updateProducer.close();
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
        if (store != null) {
            store.close();
        }
        registry.close();
    }

    @Command(name = "triage-trainer", mixinStandardHelpOptions = true,
            description = "Learns from labeled feedback and publishes new model versions.")
    static final class Main implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE",
                description = "A properties file; TRIAGE_* environment variables override it.")
        Path configFile;

        @Override
        public Integer call() throws Exception {
            TrainerSettings config = TrainerSettings.load(configFile, System.getenv());
            TriageTrainer trainer = start(config);
            return ServiceRunner.runUntilStopped(trainer, () -> true);
        }
    }

    public static void main(String[] args) {
        AvroLimits.install(); // before anything decodes a record
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
