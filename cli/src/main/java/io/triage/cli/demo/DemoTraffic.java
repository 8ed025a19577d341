package io.triage.cli.demo;

import io.triage.schemas.LabeledExample;
import io.triage.schemas.TextEvent;
import io.triage.service.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What the demo writes to Kafka, the way any producer would: text events (Avro {@code TextEvent}s via the registry,
 * keyed by e-mail id), labeled feedback ({@code LabeledExample}s) and, on purpose, two bad input records.
 */
final class DemoTraffic implements AutoCloseable {
    /** How many bad records {@link #sendBadRecords()} sends. */
    static final int BAD_RECORDS = 2;

    private final KafkaProducer<byte[], TextEvent> events;
    private final KafkaProducer<byte[], LabeledExample> feedback;
    private final KafkaProducer<byte[], byte[]> raw;
    private final ResultTracker tracker;
    private final String inputTopic;
    private final String feedbackTopic;

    DemoTraffic(String bootstrap, String registryUrl, String inputTopic, String feedbackTopic, ResultTracker tracker) {
        this.events = KafkaClients.producer(bootstrap, KafkaClients.avroSerializer(registryUrl));
        this.feedback = KafkaClients.producer(bootstrap, KafkaClients.avroSerializer(registryUrl));
        this.raw = KafkaClients.rawProducer(bootstrap);
        this.inputTopic = inputTopic;
        this.feedbackTopic = feedbackTopic;
        this.tracker = tracker;
    }

    /**
     * Sends the mails as text events of the given kind, paced at {@code rate} per second (0: as fast as possible);
     * {@code sent} counts them as they go. Returns when all are sent and acknowledged.
     */
    void sendEvents(String kind, List<LabeledMail> mails, double rate, AtomicInteger sent) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < mails.size(); i++) {
            if (rate > 0) {
                LockSupport.parkNanos(start + (long) (i * 1e9 / rate) - System.nanoTime());
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("stopped while sending " + kind + " events");
            }
            LabeledMail mail = mails.get(i);
            String id = ResultTracker.idOf(kind, mail);
            tracker.expect(kind, mail);
            TextEvent event = TextEvent.newBuilder().setId(id).setText(mail.text()).setEventTime(Instant.now())
                    .setAttributes(Map.of("source", "triage demo")).build();
            events.send(new ProducerRecord<>(inputTopic, key(mail.id()), event));
            sent.incrementAndGet();
        }
        events.flush();
    }

    /** Sends the mails with their labels as feedback for the trainer. */
    void sendFeedback(List<LabeledMail> mails) {
        for (LabeledMail mail : mails) {
            LabeledExample example = LabeledExample.newBuilder().setId(mail.id()).setText(mail.text())
                    .setLabel(mail.label()).setSource("triage demo").setCreatedAt(Instant.now()).build();
            feedback.send(new ProducerRecord<>(feedbackTopic, key(mail.id()), example));
        }
        feedback.flush();
    }

    /**
     * Two records the stream app must not choke on: bytes that are not an Avro TextEvent, and a TextEvent with an
     * empty text. Both should become dead letters while the stream goes on.
     */
    void sendBadRecords() throws InterruptedException {
        try {
            raw.send(new ProducerRecord<>(inputTopic, key("bad-1"),
                    "this is not an Avro TextEvent".getBytes(StandardCharsets.UTF_8))).get();
            events.send(new ProducerRecord<>(inputTopic, key("bad-2"), TextEvent.newBuilder().setId("bad:empty")
                    .setText("").setEventTime(Instant.now()).build())).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not send the bad records", e.getCause());
        }
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        events.close();
        feedback.close();
        raw.close();
    }
}
