package io.triage.stream;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.triage.stream.batch.InferenceWorker;
import io.triage.stream.batch.ModelBatchClassifier;
import io.triage.stream.batch.ServingModels;
import io.triage.stream.config.StreamAppSettings;
import io.triage.service.OpsServer;
import io.triage.stream.ops.DriftSettings;
import io.triage.stream.ops.StreamMetrics;
import io.triage.stream.serde.OutputFormat;
import io.triage.stream.serde.OutputSerializers;
import io.triage.stream.swap.ModelFollower;
import io.triage.stream.shadow.ShadowRunner;
import io.triage.stream.shadow.ShadowSample;
import io.triage.schemas.ShadowReport;
import io.triage.stream.swap.ModelSwapper;
import io.triage.schemas.DeadLetter;
import io.triage.service.ModelUpdateLog;
import io.triage.service.RegistrySettings;
import io.triage.service.ServiceRunner;
import io.triage.service.TopicProvisioner;
import io.triage.model.io.AllowedLocations;
import io.triage.model.io.ArtifactFetcher;
import io.triage.service.AvroLimits;
import io.triage.service.trust.UpdateTrust;
import io.triage.service.trust.UpdateVerifier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import static io.triage.stream.config.StreamAppSettings.*;

/** The stream app's process: loads the model, provisions topics, runs the topology and the ops endpoints. */
public final class TriageStreamApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TriageStreamApp.class);

    private final StreamAppSettings config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StreamMetrics metrics;
    private InferenceWorker worker;
    private ModelSwapper swapper;
    private ModelFollower follower;
    private ShadowRunner shadow;
    private final OpsServer ops;
    private KafkaStreams streams;

    private TriageStreamApp(StreamAppSettings config) throws Exception {
        this.config = config;
        this.metrics = new StreamMetrics(registry, DriftSettings.from(config));
        int port = config.getInt(HTTP_PORT, -1);
        this.ops = port < 0 ? null : new OpsServer(config.get(HTTP_BIND_ADDRESS), port, registry, this::isLive,
                this::isReady);
    }

    /**
     * Starts the app and returns once Kafka Streams has been started (not necessarily RUNNING yet). The model is the
     * newest version on the model-update topic, or the configured bootstrap model when there is none (or it cannot
     * be loaded); Streams starts only once a model serves.
     */
    public static TriageStreamApp start(StreamAppSettings config) throws Exception {
        TriageStreamApp app = new TriageStreamApp(config);
        try {
            app.startStreams(app.startModel());
            app.follower.start();
            return app;
        } catch (Exception | Error e) {
            app.close();
            throw e;
        }
    }

    /** Only updates pointing into these locations are fetched, within the download caps. */
    private static ArtifactFetcher fetcher(StreamAppSettings config) {
        AllowedLocations allowed = new AllowedLocations(config.getList(ARTIFACT_ALLOWED_URIS));
        if (allowed.isEmpty()) {
            LOG.warn("{} is empty: every model update will be refused; set it to the model store's location",
                    ARTIFACT_ALLOWED_URIS);
        }
        return new ArtifactFetcher(config.getFolderOrTemp(MODEL_DOWNLOAD_DIR, "triage-models"), allowed,
                config.getLong(ARTIFACT_MAX_BYTES, 1), Duration.ofMillis(config.getLong(ARTIFACT_FETCH_TIMEOUT_MS, 1)));
    }

    /** @return the labels the routing topics are made for: the fixed ones, else the bootstrap model's */
    private List<String> startModel() throws Exception {
        UpdateVerifier verifier = UpdateTrust.verifier(config.getList(UPDATE_TRUSTED_KEYS), Optional.empty(),
                config.getBoolean(UPDATE_ALLOW_UNSIGNED), UPDATE_TRUSTED_KEYS, UPDATE_ALLOW_UNSIGNED);
        Map<String, Object> registryConfig = RegistrySettings.of(config);
        new TopicProvisioner(config.clientConfig()).ensureCompacted(config.get(TOPIC_MODEL_UPDATES));
        ServingModels models = ServingModels.from(config);
        worker = models.startWorker();
        swapper = new ModelSwapper(worker, models, fetcher(config), metrics, config.getList(MODEL_LABELS));
        Producer<byte[], DeadLetter> deadLetters = new KafkaProducer<>(config.clientConfig(), new ByteArraySerializer(),
                OutputSerializers.<DeadLetter>create(config.getEnum(OUTPUT_FORMAT, OutputFormat.class), registryConfig));
        follower = new ModelFollower(
                new ModelUpdateLog(config.clientConfig(), registryConfig, config.get(TOPIC_MODEL_UPDATES), config.get(MODEL_NAME),
                        verifier),
                swapper, deadLetters, config.get(TOPIC_DEAD_LETTER), config.getInt(DEAD_LETTER_MAX_VALUE_BYTES, 1), metrics,
                shadowRunner(registryConfig));
        if (follower.serveLatest()) {
            return swapper.servedLabels();
        }
        ModelBatchClassifier bootstrap = swapper.loadBootstrap();
        swapper.serve(bootstrap);
        return swapper.servedLabels().isEmpty() ? bootstrap.labels() : swapper.servedLabels();
    }

    /**
     * Runs candidates' shadow trials beside the serving model; null when {@code shadow.sample} is 0. The reports'
     * topic and producer are opened when the first candidate arrives: with {@code promotion.mode=direct} none does.
     */
    private ShadowRunner shadowRunner(Map<String, Object> registryConfig) {
        double sample = config.getDouble(SHADOW_SAMPLE, 0, 1);
        if (sample == 0) {
            return null;
        }
        String topic = config.get(TOPIC_SHADOW_REPORTS);
        Supplier<Producer<byte[], ShadowReport>> openReports = () -> {
            try {
                new TopicProvisioner(config.clientConfig()).ensureCompacted(topic);
            } catch (ExecutionException | RuntimeException e) {
                // created by whoever provisions topics, or auto-created; the reports' sends say if it is missing
                LOG.warn("cannot make sure the shadow-reports topic {} exists: {}", topic, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new KafkaProducer<>(config.clientConfig(), new ByteArraySerializer(),
                    OutputSerializers.<ShadowReport>create(config.getEnum(OUTPUT_FORMAT, OutputFormat.class), registryConfig));
        };
        // a static member's id survives restarts, so its new reports replace its old ones in the trainer's sum
        String instance = StreamsSettings.staticMember(config).orElse("dynamic-" + java.util.UUID.randomUUID());
        shadow = new ShadowRunner(new ShadowSample(sample), config.getInt(SHADOW_QUEUE_BATCHES, 1), instance,
                openReports, topic, config.getLong(SHADOW_REPORT_MS, 100), config.getLong(SHADOW_MAX_MS, 1000),
                metrics.shadow());
        worker.shadowTap(shadow);
        return shadow;
    }

    private void startStreams(List<String> labels) throws Exception {
        var streamsConfig = StreamsSettings.from(config);
        List<String> topics = new ArrayList<>(List.of(config.get(TOPIC_INPUT), config.get(TOPIC_OUTPUT), config.get(TOPIC_DEAD_LETTER)));
        if (config.getBoolean(ROUTING_ENABLED)) {
            topics.addAll(LabelTopics.topicsFor(config.get(TOPIC_ROUTE_PREFIX), labels));
        }
        if (!config.get(REVIEW_TOPIC).isBlank()) {
            topics.add(config.get(REVIEW_TOPIC));
        }
        new TopicProvisioner(config.clientConfig()).ensure(topics, config.getInt(TOPIC_PARTITIONS, 1));

        streams = new KafkaStreams(TriageTopology.build(config, worker, metrics), streamsConfig);
        streams.setUncaughtExceptionHandler(e -> {
            // e.g. the registry or the broker unreachable: nothing was committed for the failed work, so a new
            // thread reads it again; bad records never get here, they are dead letters
            LOG.error("stream thread failed, replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        metrics.bindClients(streams);
        LOG.info("starting Kafka Streams: joining group {} as {}", config.get(APPLICATION_ID),
                StreamsSettings.staticMember(config).map(id -> "static member " + id).orElse("a dynamic member"));
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    @Override
    public String toString() {
        return "stream app " + config.get(APPLICATION_ID) + " (Kafka Streams " + state() + ")";
    }

    public boolean isLive() {
        KafkaStreams.State s = state();
        return s != KafkaStreams.State.ERROR && s != KafkaStreams.State.PENDING_ERROR;
    }

    public boolean isReady() {
        return worker != null && worker.isLoaded() && state() == KafkaStreams.State.RUNNING;
    }

    public StreamMetrics metrics() {
        return metrics;
    }

    public int httpPort() {
        return ops == null ? -1 : ops.port();
    }

    @Override
    public void close() {
        if (streams != null) {
            // Streams commits every task on the way out: the buffered events are in the changelogged store as of
            // that commit, and the next owner (warm when it holds a standby) classifies them. A dynamic member
            // leaves the group so that its partitions move at once; a static one stays, to come back to them.
            streams.close(CloseOptions.timeout(Duration.ofSeconds(30)).withGroupMembershipOperation(
                    StreamsSettings.staticMember(config).isPresent()
                            ? GroupMembershipOperation.REMAIN_IN_GROUP : GroupMembershipOperation.LEAVE_GROUP));
        }
        if (ops != null) {
            ops.close();
        }
        if (follower != null) {
            follower.close();
        }
        if (shadow != null) {
            shadow.close(); // after the follower: no candidate can start any more
        }
        if (worker != null) {
            worker.close(); // after Streams: no task can submit a batch any more
        }
        registry.close();
    }

    @Command(name = "triage-stream", mixinStandardHelpOptions = true,
            description = "Classifies the text events of a Kafka topic in micro-batches.")
    static final class Main implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE",
                description = "A properties file; TRIAGE_* environment variables override it.")
        Path configFile;

        @Override
        public Integer call() throws Exception {
            StreamAppSettings config = StreamAppSettings.load(configFile, System.getenv());
            TriageStreamApp app = start(config);
            return ServiceRunner.runUntilStopped(app, app::isLive); // not live: Kafka Streams failed for good
        }
    }

    public static void main(String[] args) {
        AvroLimits.install(); // before anything decodes a record
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
