package io.triage.trainer.service;

import io.triage.schemas.LabeledExample;
import io.triage.service.KafkaClients;
import io.triage.training.data.Dataset;
import io.triage.training.data.Example;
import io.triage.training.train.PhraseData;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Labeled phrase feedback for the trainer's tests, and waiting for what it causes. */
final class Feedback {
    private Feedback() {}

    static LabeledExample labeled(String id, String text, String label) {
        return LabeledExample.newBuilder().setId(id).setText(text).setLabel(label).setSource("test").build();
    }

    /** Sends {@code n} phrase examples with ids {@code <prefix>0...}. */
    static void sendPhrases(String bootstrap, String registryUrl, String topic, String prefix, int n, long seed) {
        Dataset phrases = PhraseData.sample(n, seed);
        try (KafkaProducer<byte[], LabeledExample> producer = KafkaClients.producer(bootstrap,
                KafkaClients.avroSerializer(registryUrl))) {
            for (int i = 0; i < phrases.size(); i++) {
                Example e = phrases.examples().get(i);
                String id = prefix + i;
                producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8),
                        labeled(id, e.input().text(), phrases.labels().get(e.label()))));
            }
        }
    }

    static void awaitUntil(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }
}
