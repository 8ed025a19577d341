package io.triage.cli.bench;

import io.triage.cli.bench.LoadGenerator.Output;
import io.triage.cli.bench.fleet.StreamAppFleet;
import io.triage.embedded.EmbeddedKafkaCluster;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.model.text.TextInput;
import io.triage.service.trust.SigningKeys;
import io.triage.service.trust.UpdateSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.triage.stream.config.StreamAppSettings.*;

/**
 * A fleet under steady Avro load, with faults on purpose, for the chaos test and {@code triage bench chaos}: three
 * stream-app JVMs on six input partitions against a three-broker cluster (replication factor 3,
 * {@code min.insync.replicas=2}) and a registry on its {@code kafkasql} storage. In turn, with {@code settle} of
 * steady load before each:
 * <ol>
 *   <li>an instance is SIGKILLed and restarted;</li>
 *   <li>a fourth instance joins, and a model update is published while its join rebalances the group: partitions
 *   move to an instance that has not swapped yet;</li>
 *   <li>the fourth instance leaves by SIGTERM (graceful shutdown under load);</li>
 *   <li>the leader of an input partition is stopped and restarted;</li>
 *   <li>the registry is restarted (the apps' cached schemas expire within its outage);</li>
 *   <li>the trainer dies mid-publish (its artifact saved, its update never acknowledged, a half-written artifact
 *   beside it), and the restarted trainer repairs its store and publishes the next version.</li>
 * </ol>
 * Instances 0-2 use static membership ({@code instance.id}); the fourth is a dynamic member, as an extra replica from
 * an autoscaler would be. Everything the run saw is in its {@link Result}: what was sent, every committed result,
 * when each fault began and ended, when each update was published.
 */
final class ChaosRun implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChaosRun.class);
    static final int PARTITIONS = 6;
    static final int INSTANCES = 3;
    static final List<String> LABELS = List.of("a", "b");
    static final String IN = "chaos.in";
    static final String OUT = "chaos.out";
    static final String DEAD_LETTERS = "chaos.dlq";
    static final String UPDATES = "chaos.updates";
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(180);
    /** Longer than the chaos test's bound, so that the audit, not this wait, says when an update was late. */
    private static final Duration SERVED_TIMEOUT = Duration.ofSeconds(150);

    /**
     * @param rate    events/s offered, spread over {@code keys} keys
     * @param settle  steady load before each fault: the "before" window of its figures
     * @param standby {@code standby.replicas} of every instance
     */
    record Settings(Path dir, double rate, int keys, Duration settle, int standby) {}

    /** One fault: from its injection to the fleet's progress after it, and the events sent meanwhile. */
    record Fault(String name, long startMs, long endMs, long firstEvent, long endEvent) {}

    /** A model version announced to the fleet, and when. */
    record Update(String version, long publishedAtMs) {}

    /**
     * What the run saw.
     *
     * @param sent    events {@code e0 .. e<sent-1>}, all acknowledged by the cluster
     * @param outputs every result a read_committed reader got, in the order read
     * @param updates the announced versions, oldest first; the bootstrap model served before them
     * @param unannounced versions saved in the store and never announced: no result may come from them
     */
    record Result(int standby, long sent, List<Output> outputs, List<Fault> faults, List<Update> updates,
                  List<String> unannounced) {}

    private final Settings settings;
    private final EmbeddedKafkaCluster cluster;
    private final EmbeddedRegistry registry;
    private final StreamAppFleet fleet;
    private final LoadGenerator load;
    private final ChaosTrainer trainer;
    private final List<Fault> faults = new ArrayList<>();
    private final List<Update> updates = new ArrayList<>();
    private final List<String> unannounced = new ArrayList<>();

    ChaosRun(Settings settings) {
        this.settings = settings;
        EmbeddedKafkaCluster c = EmbeddedKafkaCluster.start();
        EmbeddedRegistry r = null;
        try {
            r = EmbeddedRegistry.startOnKafka(c.bootstrapServers(), "chaos.registry-journal");
            // the reader subscribes to the results at once: were the output topic not there yet, the broker would
            // create it with one partition, and results would no longer be in their input's partition
            for (String topic : List.of(IN, OUT, DEAD_LETTERS)) {
                c.createTopic(topic, PARTITIONS);
            }
            UpdateSigner signer = new UpdateSigner(SigningKeys.generate().getPrivate());
            this.trainer = new ChaosTrainer(settings.dir().resolve("models"), c.bootstrapServers(), r.apiV2Url(),
                    UPDATES, LABELS, signer);
            this.fleet = new StreamAppFleet(settings.dir(), appSettings(c, r, signer), List.of("-Xmx1g",
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            this.load = new LoadGenerator(c.bootstrapServers(), r.apiV2Url(), IN, OUT, settings.keys());
        } catch (RuntimeException e) {
            if (r != null) {
                r.close();
            }
            c.close();
            throw e;
        }
        this.cluster = c;
        this.registry = r;
    }

    private Map<String, String> appSettings(EmbeddedKafkaCluster c, EmbeddedRegistry r, UpdateSigner signer) {
        Map<String, String> s = new HashMap<>(Map.of(BOOTSTRAP_SERVERS, c.bootstrapServers(),
                REGISTRY_URL, r.apiV2Url(), APPLICATION_ID, "chaos", UPDATE_TRUSTED_KEYS,
                SigningKeys.inline(signer.publicKey()), STANDBY_REPLICAS, Integer.toString(settings.standby())));
        s.putAll(Map.of(TOPIC_INPUT, IN, TOPIC_OUTPUT, OUT, TOPIC_DEAD_LETTER, DEAD_LETTERS,
                TOPIC_MODEL_UPDATES, UPDATES, TOPIC_PARTITIONS, Integer.toString(PARTITIONS),
                MODEL_LABELS, String.join(",", LABELS), BATCH_MAX_SIZE, "16", HTTP_PORT, "-1",
                MODEL_CPU_THREADS, "1", ARTIFACT_ALLOWED_URIS, trainer.store().toString()));
        // a dead member is noticed within seconds, not the default 45
        s.putAll(Map.of("kafka.session.timeout.ms", "6000", "kafka.heartbeat.interval.ms", "1000"));
        // cached schemas are looked up again after 2 s, not 30: the registry's outage is felt, not hidden
        s.put("apicurio.registry.check-period-ms", "2000");
        return s;
    }

    /** Runs every fault in turn; returns once the fleet has caught up with everything sent. */
    Result run() throws Exception {
        for (int i = 0; i < INSTANCES; i++) {
            fleet.start(i, staticMember(i));
        }
        for (int i = 0; i < INSTANCES; i++) {
            fleet.awaitReady(i, READY_TIMEOUT);
        }
        List<TextInput> texts = IntStream.range(0, 50).mapToObj(i -> TextInput.of("fleet chaos event " + i)).toList();
        load.offerSteadily(texts, settings.rate());
        awaitProgress("three instances start");

        fault("instance SIGKILL + restart", () -> {
            fleet.kill(1);
            awaitProgress("instance 1 SIGKILLed");
            fleet.start(1, staticMember(1));
            fleet.awaitReady(1, READY_TIMEOUT);
        });
        fault("4th joins, update mid-rebalance", () -> {
            fleet.start(INSTANCES); // a dynamic member
            fleet.awaitJoining(INSTANCES, READY_TIMEOUT); // its join rebalances the group: publish meanwhile
            updates.add(trainer.publish());
            fleet.awaitReady(INSTANCES, READY_TIMEOUT);
        });
        fault("4th leaves (SIGTERM)", () -> {
            int status = fleet.stop(INSTANCES);
            if (status != 143) {
                throw new IllegalStateException("instance " + INSTANCES + " did not shut down cleanly (exit "
                        + status + "); its log ends: " + fleet.lastLines(INSTANCES, 12, 300) + "; see "
                        + fleet.log(INSTANCES));
            }
        });
        fault("broker stop + restart", () -> {
            int broker = cluster.leaderOf(IN, 0);
            cluster.stopBroker(broker);
            awaitProgress("broker " + broker + " stopped");
            cluster.startBroker(broker);
        });
        fault("registry restart", registry::restart);
        fault("trainer killed mid-publish", () -> {
            unannounced.add(trainer.crashMidPublish());
            updates.add(trainer.restartAndPublish());
        });
        return finish();
    }

    private static Map<String, String> staticMember(int id) {
        return Map.of(INSTANCE_ID, "chaos-" + id);
    }

    /** A step that may throw anything: the run stops there. */
    interface Step {
        void run() throws Exception;
    }

    /** Lets the load settle, injects the fault, and waits until the fleet makes progress again. */
    private void fault(String name, Step step) throws Exception {
        Thread.sleep(settings.settle().toMillis());
        long first = load.sentSoFar();
        long start = System.currentTimeMillis();
        LOG.info("fault: {}", name);
        step.run();
        awaitProgress(name);
        faults.add(new Fault(name, start, System.currentTimeMillis(), first, load.sentSoFar()));
        for (int i = 0; i < INSTANCES; i++) {
            if (!fleet.isRunning(i)) { // no fault may take an instance down for good: a dead one is a bug
                throw new IllegalStateException("instance " + i + " died during: " + name + "; see " + fleet.log(i));
            }
        }
    }

    /** Waits until a few more results are committed: the fleet works again after the step just taken. */
    private void awaitProgress(String step) throws InterruptedException {
        int before = load.outputs().size();
        int wanted = before + (int) Math.ceil(3 * settings.rate());
        long t0 = System.nanoTime();
        long deadline = t0 + PROGRESS_TIMEOUT.toNanos();
        while (load.outputs().size() < wanted) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no progress after: " + step + " (" + (load.outputs().size() - before)
                        + " results in " + PROGRESS_TIMEOUT.toSeconds() + " s); " + diagnosis(before)
                        + "; see " + fleet.logs());
            }
            Thread.sleep(50);
        }
        LOG.info("{}: {} more results in {} ms", step, load.outputs().size() - before,
                Duration.ofNanos(System.nanoTime() - t0).toMillis());
    }

    /**
     * What a stalled run looked like, on one line (CI shows the failure's message, not the instances' log files):
     * results per output partition since the step began, each instance alive or not with its last warnings.
     */
    private String diagnosis(int from) {
        List<Output> all = load.outputs();
        Map<Integer, Long> byPartition = new TreeMap<>(all.subList(from, all.size()).stream()
                .collect(Collectors.groupingBy(Output::partition,
                        Collectors.counting())));
        StringBuilder d = new StringBuilder("results by partition since the step " + byPartition
                + ", events sent " + load.sentSoFar());
        for (int i = 0; i <= INSTANCES; i++) {
            d.append(" | instance ").append(i).append(fleet.isRunning(i) ? " up" : " down");
            if (fleet.isRunning(i)) {
                d.append(", last warnings: ").append(fleet.lastProblems(i, 3, 220));
            }
        }
        return d.toString();
    }

    /**
     * Keeps the load on until every partition serves the last update (or {@link #SERVED_TIMEOUT} passes: the audit
     * then says which did not), stops it and reads until every event sent has a result (or the drain times out),
     * then a little more.
     */
    private Result finish() throws InterruptedException {
        Thread.sleep(settings.settle().toMillis());
        long deadline = System.nanoTime() + SERVED_TIMEOUT.toNanos();
        Update last = updates.get(updates.size() - 1);
        while (new FleetAudit(snapshot(load.sentSoFar())).fleetSwap(last) == null && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        long sent = load.stopOffering();
        deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (load.outputs().size() < sent && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(5_000); // duplicates would show now
        return snapshot(sent);
    }

    private Result snapshot(long sent) {
        return new Result(settings.standby(), sent, load.outputs(), List.copyOf(faults), List.copyOf(updates),
                List.copyOf(unannounced));
    }

    /** The instances' log files, for a failure message. */
    String logs() {
        return fleet.logs();
    }

    @Override
    public void close() throws Exception {
        try (cluster; registry; fleet) {
            load.close();
        }
    }
}
