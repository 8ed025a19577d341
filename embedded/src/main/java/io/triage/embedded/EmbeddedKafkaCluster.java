package io.triage.embedded;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real, replicated Apache Kafka cluster in this JVM, from Kafka's test kit: one KRaft controller and
 * {@code brokers} brokers (3 by default), with replication factor 3 and {@code min.insync.replicas=2} for every
 * topic, internal ones included, so transactions and exactly-once Kafka Streams run as on a production cluster and
 * keep working while one broker is down. {@link #stopBroker(int)} and {@link #startBroker(int)} take one broker
 * away and bring it back: its partitions' leadership moves to the others meanwhile.
 *
 * <p>A stopped broker shuts down in a controlled way (it hands over its leaderships first); a process crash is not
 * possible inside one JVM. The data lives in a temporary directory deleted on {@link #close()}.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {
    public static final int DEFAULT_BROKERS = 3;
    private static final int REPLICATION_FACTOR = 3;
    private static final int MIN_INSYNC_REPLICAS = 2;

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final Admin admin;
    private final Thread shutdownHook;
    private final Set<Integer> stopped = new TreeSet<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaCluster(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.bootstrapServers = cluster.bootstrapServers();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.shutdownHook = new Thread(() -> EmbeddedKafka.closeQuietly(cluster), "embedded-kafka-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts {@value #DEFAULT_BROKERS} brokers and one controller on random free ports. */
    public static EmbeddedKafkaCluster start() {
        return start(DEFAULT_BROKERS);
    }

    /** Starts {@code brokers} brokers (at least {@value #REPLICATION_FACTOR}) and one controller. */
    public static EmbeddedKafkaCluster start(int brokers) {
        if (brokers < REPLICATION_FACTOR) {
            throw new IllegalArgumentException("a replicated cluster needs at least " + REPLICATION_FACTOR
                    + " brokers: " + brokers);
        }
        KafkaClusterTestKit cluster = null;
        Path dataDir = null;
        try {
            // our own directory, for the reason given in EmbeddedKafka.start
            dataDir = Files.createTempDirectory("triage-kafka-cluster-");
            TestKitNodes nodes = new TestKitNodes.Builder(EmbeddedKafka.productionBootstrapMetadata())
                    .setBaseDirectory(dataDir)
                    .setCombined(false) // a broker can stop while the controller keeps the metadata
                    .setNumBrokerNodes(brokers)
                    .setNumControllerNodes(1)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            brokerConfig().forEach(builder::setConfigProp);
            cluster = builder.build();
            EmbeddedKafka.formatToStderr(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafkaCluster(cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            EmbeddedKafka.cleanUp(cluster, dataDir);
            throw new IllegalStateException("Interrupted while starting the embedded Kafka cluster", e);
        } catch (Exception e) {
            EmbeddedKafka.cleanUp(cluster, dataDir);
            throw new IllegalStateException("Could not start the embedded Kafka cluster of " + brokers + " brokers", e);
        }
    }

    private static Map<String, Object> brokerConfig() {
        Map<String, Object> config = new TreeMap<>();
        String rf = Integer.toString(REPLICATION_FACTOR);
        String isr = Integer.toString(MIN_INSYNC_REPLICAS);
        // what a production cluster runs with: every write acknowledged by two replicas, one broker may be down
        config.put("default.replication.factor", rf);
        config.put("min.insync.replicas", isr);
        config.put("offsets.topic.replication.factor", rf);
        config.put("transaction.state.log.replication.factor", rf);
        config.put("transaction.state.log.min.isr", isr);
        config.put("share.coordinator.state.topic.replication.factor", rf);
        config.put("share.coordinator.state.topic.min.isr", isr);
        // a few coordinator partitions rather than 50: faster to start, and still spread over the brokers
        config.put("offsets.topic.num.partitions", "3");
        config.put("transaction.state.log.num.partitions", "3");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("unstable.api.versions.enable", "false");
        config.put("unstable.feature.versions.enable", "false");
        // several brokers share one JVM (and often two cores): fewer threads, a small log-cleaner buffer
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "2");
        config.put("background.threads", "2");
        config.put("num.replica.fetchers", "1");
        config.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        return config;
    }

    /** The {@code bootstrap.servers} value for clients: every broker, e.g. {@code localhost:4123,localhost:4124,...}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker ids, running or stopped. */
    public Set<Integer> brokerIds() {
        return new TreeSet<>(cluster.brokers().keySet());
    }

    /**
     * Creates a topic with replication factor 3 (the broker default) and waits until every broker knows it and each
     * partition has a leader: the controller answers first, the brokers learn of it a moment later.
     */
    public void createTopic(String name, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) REPLICATION_FACTOR)))
                    .all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!isServed(name)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("topic " + name + " has no leader on every partition after 30 s");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create topic " + name, e);
        }
    }

    private boolean isServed(String topic) throws InterruptedException {
        for (int id : brokerIds()) {
            if (stopped.contains(id)) {
                continue;
            }
            var metadata = cluster.brokers().get(id).metadataCache();
            if (!metadata.contains(topic)) {
                return false;
            }
        }
        return admin.describeTopics(List.of(topic)).allTopicNames().toCompletionStage().toCompletableFuture()
                .handle((d, e) -> e == null && d.get(topic).partitions().stream().allMatch(p -> p.leader() != null))
                .join();
    }

    /** The id of the broker that leads {@code topic}'s partition {@code partition}, or -1 when none does. */
    public int leaderOf(String topic, int partition) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            TopicPartitionInfo info = description.partitions().get(partition);
            return info.leader() == null ? -1 : info.leader().id();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not describe topic " + topic, e);
        }
    }

    /**
     * Stops one broker (controlled shutdown: its leaderships move to the other replicas) and waits until it is down.
     * The cluster keeps serving reads and writes with the two brokers left.
     */
    public synchronized void stopBroker(int id) {
        BrokerServer broker = broker(id);
        if (!stopped.add(id)) {
            throw new IllegalStateException("broker " + id + " is already stopped");
        }
        broker.shutdown();
        broker.awaitShutdown();
    }

    /** Starts a stopped broker again on its old port and data, and waits until it has caught up with the metadata. */
    public synchronized void startBroker(int id) {
        BrokerServer broker = broker(id);
        if (!stopped.remove(id)) {
            throw new IllegalStateException("broker " + id + " is running");
        }
        broker.startup(); // returns once the broker has caught up with the metadata and is unfenced
    }

    private BrokerServer broker(int id) {
        BrokerServer broker = cluster.brokers().get(id);
        if (broker == null) {
            throw new IllegalArgumentException("no broker " + id + "; the brokers are " + brokerIds());
        }
        return broker;
    }

    /** Stops every broker and the controller and deletes their data. */
    @Override
    public void close() {
        EmbeddedKafka.stop(closed, shutdownHook, admin, cluster);
    }
}
