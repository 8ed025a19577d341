package io.triage.trainer.shadow;

import io.triage.schemas.ShadowReport;
import io.triage.service.AvroRecordDecoder;
import io.triage.service.UndecodableRecordException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the stream apps' shadow-trial reports into the {@link ShadowJudge} of the candidate on trial. Every
 * partition is assigned (no group), and read from its beginning when a trial begins: the topic is compacted (one
 * report per version and instance), version numbers are never reused, and the judge ignores other versions' reports,
 * so a trial resumed by a restarted trainer counts what the instances reported before the restart. A record that does not decode or holds inconsistent counts is skipped with a warning: it can
 * only weaken a trial's figures, never crash the trainer. Not thread-safe: the trainer's run thread owns it.
 */
public final class ShadowReports implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowReports.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroRecordDecoder<ShadowReport> decoder;
    private final String topic;
    private final String modelName;

    public ShadowReports(KafkaConsumer<byte[], byte[]> consumer, AvroRecordDecoder<ShadowReport> decoder, String topic,
                         String modelName) {
        this.consumer = consumer;
        this.decoder = decoder;
        this.topic = topic;
        this.modelName = modelName;
    }

    /** Reads every report again: called when a trial begins or is resumed. */
    public void fromStart() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Hands every new report to {@code judge}. */
    public void poll(ShadowJudge judge) {
        if (consumer.assignment().isEmpty()) {
            return;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            if (r.value() == null) {
                continue;
            }
            try {
                ShadowReport report = decoder.decode(r.topic(), r.headers(), r.value());
                if (modelName.equals(report.getModelName())) {
                    judge.report(report.getVersion(), report.getInstance(), figures(report));
                }
            } catch (UndecodableRecordException | IllegalArgumentException | NullPointerException e) {
                LOG.warn("shadow report at {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }
    }

    static ShadowFigures figures(ShadowReport r) {
        return new ShadowFigures(r.getLabels(), r.getEvents(), r.getAgreed(), r.getFailures(),
                longs(r.getCandidateLabelCounts()), longs(r.getServingLabelCounts()), r.getCandidateConfidenceSum());
    }

    private static long[] longs(List<Long> counts) {
        long[] out = new long[counts.size()];
        for (int i = 0; i < out.length; i++) {
            if (counts.get(i) < 0) {
                throw new IllegalArgumentException("a negative count: " + counts);
            }
            out[i] = counts.get(i);
        }
        return out;
    }

    /** Makes a poll in progress return early, from any thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
        decoder.close();
    }
}
