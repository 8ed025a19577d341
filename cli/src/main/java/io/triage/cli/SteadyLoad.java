package io.triage.cli;

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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Offers events at a fixed rate, on a thread of its own, for as long as it runs (it can pause), and keeps every
 * result a {@code read_committed} reader sees, with when the app classified it and when it became readable.
 */
final class SteadyLoad implements AutoCloseable {
    /** One result: its end-to-end latency runs from the input's produce timestamp to {@code receivedAtMs}. */
    record Output(long classifiedAtMs, long receivedAtMs, long latencyMs, String version) {}

    private final String bootstrap;
    private final String registryUrl;
    private final String inputTopic;
    private final String outputTopic;
    private final List<TextInput> texts;
    private final double rate;
    private final List<Output> outputs = new ArrayList<>();
    private final Thread producer = new Thread(this::produce, "bench-producer");
    private final Thread reader = new Thread(this::read, "bench-reader");
    private volatile boolean running = true;
    private volatile boolean paused;
    private final AtomicLong sent = new AtomicLong();
    private volatile RuntimeException failure;

    SteadyLoad(String bootstrap, String registryUrl, String inputTopic, String outputTopic, List<TextInput> texts,
               double rate) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.inputTopic = inputTopic;
        this.outputTopic = outputTopic;
        this.texts = texts;
        this.rate = rate;
    }

    void start() {
        reader.start();
        producer.start();
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

    private void produce() {
        try (KafkaProducer<byte[], TextEvent> out = KafkaClients.producer(bootstrap, KafkaClients.avroSerializer(registryUrl))) {
            long start = System.nanoTime();
            for (long i = 0; running; ) {
                if (paused) {
                    LockSupport.parkNanos(10_000_000);
                    start = System.nanoTime() - (long) (i * 1e9 / rate);
                    continue;
                }
                LockSupport.parkNanos(start + (long) (i * 1e9 / rate) - System.nanoTime());
                TextEvent e = TextEvent.newBuilder().setId("e" + i).setText(texts.get((int) (i % texts.size())).text())
                        .setEventTime(Instant.now()).setAttributes(Map.of()).build();
                out.send(new ProducerRecord<>(inputTopic, ("k" + i).getBytes(StandardCharsets.UTF_8), e));
                sent.incrementAndGet();
                i++;
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void read() {
        try (KafkaConsumer<byte[], ClassifiedEvent> in = KafkaClients.timingReader(bootstrap, outputTopic,
                KafkaClients.<ClassifiedEvent>avroDeserializer(registryUrl), "earliest")) {
            while (running) {
                List<Output> batch = new ArrayList<>();
                for (ConsumerRecord<byte[], ClassifiedEvent> r : in.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    batch.add(new Output(r.value().getClassifiedAt().toEpochMilli(), now, now - r.timestamp(),
                            r.value().getModelVersion()));
                }
                synchronized (outputs) {
                    outputs.addAll(batch);
                }
            }
        } catch (RuntimeException e) {
            failure = e;
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
        producer.join();
        reader.join();
    }
}
