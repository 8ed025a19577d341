package io.triage.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A real, single-node Apache Kafka cluster in this JVM: one KRaft node that is both controller and broker, built
 * with Kafka's own test kit ({@link KafkaClusterTestKit}). It runs the same broker code as a production server, so
 * transactions and exactly-once Kafka Streams ({@code exactly_once_v2}, replication factor 1) work on it.
 *
 * <p>The data lives in a temporary directory that is deleted on {@link #close()}; a shutdown hook closes the cluster
 * if the program exits without calling it.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /**
     * The name of the extra listener used for a fixed port. The test kit pre-binds a random port for its own
     * broker listener ("EXTERNAL") and ignores any port configured for it, so a fixed port needs a listener of its own.
     */
    private static final String FIXED_PORT_LISTENER = "HOST";

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final Admin admin;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaClusterTestKit cluster, String bootstrapServers) {
        this.cluster = cluster;
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        // A program that exits without close() still gets a clean stop, and the data directory deleted.
        this.shutdownHook = new Thread(() -> closeQuietly(cluster), "embedded-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a cluster on a random free port; see {@link #bootstrapServers()}. */
    public static EmbeddedKafka start() {
        return start(0);
    }

    /**
     * Starts a cluster whose clients connect at {@code localhost:port}, e.g. 9092 for a demo that other programs
     * connect to. {@code 0} picks a random free port. Fails if the port is taken.
     */
    public static EmbeddedKafka start(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (random) or 1-65535: " + port);
        }
        KafkaClusterTestKit cluster = null;
        Path dataDir = null;
        try {
            // Our own directory: the kit's default one comes with a JVM shutdown hook that deletes it while the
            // broker still runs; the broker then takes its log directory for failed and halts the JVM (status 1),
            // which cuts short every other shutdown hook, e.g. the one that stops the registry.
            dataDir = Files.createTempDirectory("triage-kafka-");
            TestKitNodes nodes = new TestKitNodes.Builder(productionBootstrapMetadata())
                    .setBaseDirectory(dataDir)
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            brokerConfig(port).forEach(builder::setConfigProp);
            cluster = builder.build();
            formatToStderr(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            String bootstrap = port == 0 ? cluster.bootstrapServers() : "localhost:" + port;
            return new EmbeddedKafka(cluster, bootstrap);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cleanUp(cluster, dataDir);
            throw new IllegalStateException("Interrupted while starting the embedded Kafka cluster", e);
        } catch (Exception e) {
            cleanUp(cluster, dataDir);
            throw new IllegalStateException("Could not start the embedded Kafka cluster"
                    + (port == 0 ? "" : " on port " + port), e);
        }
    }

    /**
     * Formats the node's storage. The kit's formatter prints its progress to {@code System.out}, which belongs to the
     * program (a CLI may write its results there), so send those lines to {@code System.err} instead.
     */
    static void formatToStderr(KafkaClusterTestKit cluster) throws Exception {
        PrintStream out = System.out;
        System.setOut(System.err);
        try {
            cluster.format();
        } finally {
            System.setOut(out);
        }
    }

    /**
     * The test kit's default bootstrap metadata is {@code MetadataVersion.latestTesting()}, which may include
     * unreleased features; pin it to what a production 4.3 cluster formats with.
     */
    static BootstrapMetadata productionBootstrapMetadata() {
        MetadataVersion version = MetadataVersion.latestProduction();
        Map<String, Short> features = Feature.PRODUCTION_FEATURES.stream().collect(Collectors.toMap(
                Feature::featureName, f -> f.defaultLevel(version), (a, b) -> a, TreeMap::new));
        return BootstrapMetadata.fromVersions(version, features, "triage-embedded");
    }

    private static Map<String, Object> brokerConfig(int port) {
        Map<String, Object> config = new TreeMap<>();
        // A single broker cannot host the internal topics' default of 3 replicas: transactions, consumer groups and
        // share groups would fail with "not enough replicas".
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        // One node gains nothing from 50 partitions per internal topic; one starts the first group or transaction faster.
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.num.partitions", "1");
        // Consumer groups (and Kafka Streams) start at once instead of waiting 3 s for more members.
        config.put("group.initial.rebalance.delay.ms", "0");
        // The test kit turns on unreleased APIs and feature versions; behave like a released broker instead.
        config.put("unstable.api.versions.enable", "false");
        config.put("unstable.feature.versions.enable", "false");
        if (port != 0) {
            // Keep the kit's own listeners (it pre-binds their sockets) and add one on the fixed port.
            config.put("listeners", "EXTERNAL://localhost:0,CONTROLLER://localhost:0,"
                    + FIXED_PORT_LISTENER + "://localhost:" + port);
            config.put("listener.security.protocol.map",
                    "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT," + FIXED_PORT_LISTENER + ":PLAINTEXT");
        }
        return config;
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code localhost:41234}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates a topic with replication factor 1 and waits until it exists. */
    public void createTopic(String name, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create topic " + name, e);
        }
    }

    /** Stops the broker and controller and deletes their data. */
    @Override
    public void close() {
        stop(closed, shutdownHook, admin, cluster);
    }

    /**
     * Closes a test-kit cluster once (the first call wins), or leaves it to {@code shutdownHook} when the JVM is
     * already shutting down: shared by {@link EmbeddedKafkaCluster}.
     */
    static void stop(AtomicBoolean closed, Thread shutdownHook, Admin admin, KafkaClusterTestKit cluster) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook stops the cluster
            return;
        }
        admin.close(Duration.ofSeconds(5));
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping the embedded Kafka cluster", e);
        } catch (Exception e) {
            throw new IllegalStateException("Error while stopping the embedded Kafka cluster", e);
        }
    }

    static void cleanUp(KafkaClusterTestKit cluster, Path dataDir) {
        closeQuietly(cluster); // deletes dataDir too
        if (dataDir != null) {
            try {
                Utils.delete(dataDir.toFile());
            } catch (IOException ignored) {
                // a leftover temporary directory is not worth hiding the start error for
            }
        }
    }

    static void closeQuietly(KafkaClusterTestKit cluster) {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception ignored) {
            // already failing; the start error is the one worth reporting
        }
    }
}
