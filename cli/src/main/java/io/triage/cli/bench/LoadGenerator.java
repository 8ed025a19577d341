package io.triage.cli.bench;

import io.triage.model.text.TextInput;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.TextEvent;
import io.triage.service.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmarks' load: offers events to the stream app's input topic, flat out or paced at a rate, and keeps every
 * result a {@code read_committed} reader sees, with when its input was produced, when the app classified it and when
 * it became readable. Either a fixed set of events that {@link #offerOnce} times until the last result
 * ({@code bench stream}), or a steady stream for as long as it runs, that can pause ({@code bench swap}).
 */
final class LoadGenerator implements AutoCloseable {
    private static final Duration READER_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(10);

    /**
     * One result. Its end-to-end latency runs from the input's produce timestamp (the result keeps it) to
     * {@code receivedAtMs}; {@code queueMs} and {@code modelMs} are the app's own timings of its batch.
     */
    record Output(String inputId, long producedAtMs, long classifiedAtMs, long receivedAtMs, long queueMs,
                  long modelMs, String version, String key, int partition, long offset) {
        long latencyMs() {
            return receivedAtMs - producedAtMs;
        }
    }

    /** The results of one {@link #offerOnce}, and the wall time from its first send to its last result. */
    record Round(List<Output> outputs, long startedAtMs, long lastReceivedAtMs) {
        double wallSeconds() {
            return (lastReceivedAtMs - startedAtMs) / 1000.0;
        }

        double eventsPerSecond() {
            return outputs.size() / wallSeconds();
        }
    }

    private final String inputTopic;
    private final KafkaProducer<byte[], TextEvent> producer;
    private final List<Output> outputs = new ArrayList<>();
    private final Thread reader;
    private final CountDownLatch readerAssigned = new CountDownLatch(1);
    private Thread steady;
    private volatile boolean running = true;
    private volatile boolean paused;
    private volatile boolean stopped;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong unacknowledged = new AtomicLong();
    /** Events are keyed {@code k<i % keys>}; 0: every event has a key of its own. */
    private final int keys;
    private volatile RuntimeException failure;
    private int round;

    /** Starts reading {@code outputTopic}; nothing is offered yet. */
    LoadGenerator(String bootstrap, String registryUrl, String inputTopic, String outputTopic) {
        this(bootstrap, registryUrl, inputTopic, outputTopic, 0);
    }

    /**
     * Starts reading {@code outputTopic}; events will be keyed {@code k0 .. k<keys-1>} in turn (0: a key per event),
     * so that each key's order can be checked.
     */
    LoadGenerator(String bootstrap, String registryUrl, String inputTopic, String outputTopic, int keys) {
        this.inputTopic = inputTopic;
        this.keys = keys;
        this.producer = KafkaClients.producer(bootstrap, KafkaClients.avroSerializer(registryUrl));
        this.reader = new Thread(() -> read(bootstrap, registryUrl, outputTopic), "bench-reader");
        reader.start();
    }

    /**
     * Offers {@code texts} once each, on a thread of its own, and waits until every one has a readable result.
     *
     * @param rate events/s to offer; 0 = as fast as the producer goes
     */
    Round offerOnce(List<TextInput> texts, double rate) throws InterruptedException {
        awaitReader();
        String prefix = "r" + (round++) + "-";
        int from = outputCount(); // every earlier result has arrived: each round waits for all of its own
        Thread sender = new Thread(() -> {
            try {
                long start = System.nanoTime();
                for (int i = 0; i < texts.size(); i++) {
                    if (rate > 0) {
                        paceTo(start, i, rate);
                    }
                    send(prefix + i, i, texts.get(i));
                }
                producer.flush();
            } catch (RuntimeException e) {
                failure = e;
            }
        }, "bench-producer");
        long startedAt = System.currentTimeMillis();
        sender.start();
        long deadline = System.nanoTime() + ROUND_TIMEOUT.toNanos();
        List<Output> mine = List.of();
        while (mine.size() < texts.size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            List<Output> all = outputs();
            mine = all.subList(from, all.size()).stream().filter(o -> o.inputId().startsWith(prefix)).toList();
        }
        sender.join();
        if (mine.size() < texts.size()) {
            throw new IllegalStateException("only " + mine.size() + " of " + texts.size() + " results arrived");
        }
        long last = mine.stream().mapToLong(Output::receivedAtMs).max().orElse(startedAt);
        return new Round(mine, startedAt, last);
    }

    /** Offers events at {@code rate}, cycling through {@code texts}, on a thread of its own until closed. */
    void offerSteadily(List<TextInput> texts, double rate) throws InterruptedException {
        if (steady != null) {
            throw new IllegalStateException("already offering steadily");
        }
        awaitReader();
        steady = new Thread(() -> produceSteadily(texts, rate), "bench-producer");
        steady.start();
    }

    /** Every result read so far, in the order read. */
    List<Output> outputs() {
        checkHealthy();
        synchronized (outputs) {
            return List.copyOf(outputs);
        }
    }

    private int outputCount() {
        checkHealthy();
        synchronized (outputs) {
            return outputs.size();
        }
    }

    /** Stops offering events and waits until every event offered so far has a readable result. */
    void pauseAndDrain(Duration timeout) throws InterruptedException {
        paused = true;
        Thread.sleep(50); // an event being sent when we paused
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outputCount() < sent.get()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + outputCount() + " of " + sent.get() + " results arrived");
            }
            Thread.sleep(20);
        }
    }

    /**
     * Stops offering events for good and waits until the broker has acknowledged every one sent.
     *
     * @return how many were sent: {@code e0 .. e<n-1>}
     * @throws IllegalStateException if the broker refused any
     */
    long stopOffering() throws InterruptedException {
        stopped = true;
        if (steady != null) {
            steady.join(); // no event is sent after this count
        }
        producer.flush();
        if (unacknowledged.get() > 0) {
            throw new IllegalStateException(unacknowledged.get() + " events were not acknowledged by the broker");
        }
        return sent.get();
    }

    /** How many events were sent so far: {@code e0 .. e<n-1>}. */
    long sentSoFar() {
        return sent.get();
    }

    /** Offers events at the rate again, from now on (no catching up on the pause). */
    void resume() {
        paused = false;
    }

    /** Waits for the first result of {@code version} classified at or after {@code sinceMs}. */
    Output awaitFirst(String version, long sinceMs, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Output> first = outputs().stream()
                    .filter(o -> o.version().equals(version) && o.classifiedAtMs() >= sinceMs)
                    .findFirst();
            if (first.isPresent()) {
                return first.get();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no result of version " + version + " within " + timeout.toSeconds() + " s");
    }

    private void produceSteadily(List<TextInput> texts, double rate) {
        try {
            long start = System.nanoTime();
            for (long i = 0; running && !stopped; ) {
                if (paused) {
                    LockSupport.parkNanos(10_000_000);
                    start = System.nanoTime() - (long) (i * 1e9 / rate);
                    continue;
                }
                paceTo(start, i, rate);
                send("e" + i, i, texts.get((int) (i % texts.size())));
                i++;
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Parks until event {@code i} is due at {@code rate} events/s from {@code startNanos}. */
    private static void paceTo(long startNanos, long i, double rate) {
        LockSupport.parkNanos(startNanos + (long) (i * 1e9 / rate) - System.nanoTime());
    }

    private void send(String id, long i, TextInput text) {
        TextEvent e = TextEvent.newBuilder().setId(id).setText(text.text())
                .setEventTime(Instant.now()).setAttributes(Map.of()).build();
        String key = "k" + (keys > 0 ? i % keys : i);
        producer.send(new ProducerRecord<>(inputTopic, key.getBytes(StandardCharsets.UTF_8), e), (meta, error) -> {
            if (error != null) {
                unacknowledged.incrementAndGet();
            }
        });
        sent.incrementAndGet();
    }

    private void read(String bootstrap, String registryUrl, String outputTopic) {
        try (KafkaConsumer<byte[], ClassifiedEvent> in = KafkaClients.timingReader(bootstrap, outputTopic,
                KafkaClients.<ClassifiedEvent>avroDeserializer(registryUrl), "earliest")) {
            while (running) {
                List<Output> batch = new ArrayList<>();
                for (ConsumerRecord<byte[], ClassifiedEvent> r : in.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    ClassifiedEvent e = r.value();
                    batch.add(new Output(e.getInputId(), r.timestamp(), e.getClassifiedAt().toEpochMilli(), now,
                            e.getTimings().getQueueMs(), e.getTimings().getModelMs(), e.getModelVersion(),
                            r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.partition(),
                            r.offset()));
                }
                synchronized (outputs) {
                    outputs.addAll(batch);
                }
                if (!in.assignment().isEmpty()) {
                    readerAssigned.countDown();
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Offers nothing before the reader has its partitions, so that no result's receipt waits for them. */
    private void awaitReader() throws InterruptedException {
        long deadline = System.nanoTime() + READER_TIMEOUT.toNanos();
        while (!readerAssigned.await(100, TimeUnit.MILLISECONDS)) {
            checkHealthy();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the result reader got no partition within "
                        + READER_TIMEOUT.toSeconds() + " s");
            }
        }
    }

    private void checkHealthy() {
        if (failure != null) {
            throw new IllegalStateException("the load generator failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (steady != null) {
            steady.join();
        }
        reader.join();
        producer.close();
    }
}
