package io.triage.cli.demo;

import io.triage.model.bench.Percentiles;
import io.triage.schemas.ClassifiedEvent;
import io.triage.service.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the stream app's results (read_committed, as a downstream consumer would) on a thread of its own and keeps
 * the numbers the live view and the summary show: results per kind of input, predicted labels, accuracy per model
 * version against the labels the demo knows, end-to-end latency, throughput and duplicates.
 *
 * <p>Inputs are told apart by their id, {@code <kind>:<mail id>} (see {@link #idOf}); results for ids the demo did
 * not send (e.g. from {@code triage produce}) count as kind {@value #OTHER}.
 */
final class ResultTracker implements AutoCloseable {
    static final String OTHER = "other";
    private static final long RATE_WINDOW_MS = 5000;

    private final KafkaConsumer<byte[], ClassifiedEvent> consumer;
    private final Map<String, String> expected = new ConcurrentHashMap<>();
    private final Thread reader;
    private final Object lock = new Object();
    private final Map<String, Kind> kinds = new HashMap<>();
    private final Set<String> seen = new HashSet<>();
    private final ArrayDeque<Long> recentArrivals = new ArrayDeque<>();
    private volatile RuntimeException failure;

    /** Results of one kind of input. */
    private static final class Kind {
        final Map<String, Integer> predicted = new TreeMap<>();
        final Map<String, int[]> perVersion = new TreeMap<>(); // version -> {correct, total}
        long[] latencies = new long[64];
        int count;
        int duplicates;
        /** How many results of this kind had arrived when the first one of each version came. */
        final Map<String, Integer> firstOfVersion = new HashMap<>();
    }

    ResultTracker(String bootstrap, String registryUrl, String outputTopic) {
        consumer = KafkaClients.committedReader(bootstrap, outputTopic, KafkaClients.avroDeserializer(registryUrl));
        reader = new Thread(this::readLoop, "demo-result-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The label the demo knows for the event {@code id}, if it sent one with that id. */
    Optional<String> knownLabel(String id) {
        return Optional.ofNullable(expected.get(id));
    }

    static String idOf(String kind, LabeledMail mail) {
        return kind + ":" + mail.id();
    }

    private static String kindOf(String id) {
        int colon = id.indexOf(':');
        return colon < 0 ? OTHER : id.substring(0, colon);
    }

    /** Registers an input before it is sent, so that its result is scored. */
    void expect(String kind, LabeledMail mail) {
        expected.put(idOf(kind, mail), mail.label());
    }

    private void readLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], ClassifiedEvent> r : consumer.poll(Duration.ofMillis(100))) {
                    record(r.value(), System.currentTimeMillis() - r.timestamp()); // the result keeps the input's timestamp
                }
            }
        } catch (WakeupException | InterruptException closing) {
            // close() stops the loop
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void record(ClassifiedEvent result, long latencyMs) {
        String id = result.getInputId();
        String truth = expected.get(id);
        String kindName = truth == null ? OTHER : kindOf(id);
        long now = System.currentTimeMillis();
        synchronized (lock) {
            Kind kind = kinds.computeIfAbsent(kindName, k -> new Kind());
            if (!seen.add(id)) {
                kind.duplicates++;
                return;
            }
            String version = result.getModelVersion();
            kind.firstOfVersion.putIfAbsent(version, kind.count);
            kind.predicted.merge(result.getLabel(), 1, Integer::sum);
            if (truth != null) {
                int[] score = kind.perVersion.computeIfAbsent(version, v -> new int[2]);
                score[0] += truth.equals(result.getLabel()) ? 1 : 0;
                score[1]++;
            }
            if (kind.count == kind.latencies.length) {
                kind.latencies = Arrays.copyOf(kind.latencies, kind.count * 2);
            }
            kind.latencies[kind.count++] = latencyMs;
            recentArrivals.addLast(now);
            while (!recentArrivals.isEmpty() && recentArrivals.peekFirst() < now - RATE_WINDOW_MS) {
                recentArrivals.removeFirst();
            }
        }
    }

    /** Accuracy of one model version on one kind of input. */
    record Score(int correct, int total) {
        double accuracy() {
            return total == 0 ? Double.NaN : (double) correct / total;
        }
    }

    /** The numbers for one kind of input at one moment; latencies in arrival order. */
    record KindStats(int results, int duplicates, Map<String, Integer> predicted, Map<String, Score> perVersion,
                     Map<String, Integer> firstOfVersion, long[] latenciesMs) {
        static final KindStats NONE = new KindStats(0, 0, Map.of(), Map.of(), Map.of(), new long[0]);

        /** The p-th percentile (0-100] of all latencies, in ms; NaN when there are none. */
        double latencyPercentile(double p) {
            return Percentiles.of(latenciesMs, p);
        }

        /** The p-th percentile of the latest {@code n} results' latencies: what the system does now. */
        double recentLatencyPercentile(double p, int n) {
            return Percentiles.of(Arrays.copyOfRange(latenciesMs, Math.max(0, latenciesMs.length - n), latenciesMs.length), p);
        }
    }

    KindStats stats(String kind) {
        synchronized (lock) {
            Kind k = kinds.get(kind);
            if (k == null) {
                return KindStats.NONE;
            }
            Map<String, Score> perVersion = new TreeMap<>();
            k.perVersion.forEach((v, s) -> perVersion.put(v, new Score(s[0], s[1])));
            return new KindStats(k.count, k.duplicates, Map.copyOf(k.predicted), perVersion, Map.copyOf(k.firstOfVersion),
                    Arrays.copyOf(k.latencies, k.count));
        }
    }

    /** Results per second over the last few seconds, all kinds. */
    double recentRate() {
        long now = System.currentTimeMillis();
        synchronized (lock) {
            long n = recentArrivals.stream().filter(t -> t >= now - RATE_WINDOW_MS).count();
            return n * 1000.0 / RATE_WINDOW_MS;
        }
    }

    /** Rethrows what stopped the reader, if anything did. */
    void check() {
        if (failure != null) {
            throw new IllegalStateException("reading the results failed", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        reader.join(Duration.ofSeconds(10).toMillis());
    }
}
