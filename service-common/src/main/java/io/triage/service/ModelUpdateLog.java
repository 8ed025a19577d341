package io.triage.service;

import io.triage.schemas.ModelUpdate;
import io.triage.schemas.UpdateStage;
import io.triage.service.ModelUpdateRejected.Reason;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the model-update topic (compacted, keyed by model name). Every reader sees every update: partitions are
 * assigned, not subscribed through a consumer group, so each stream-app instance follows all of them. Records of
 * other model names are skipped. Each record is decoded, its signature checked (the {@link ModelUpdateCheck}, e.g. {@code trust.UpdateVerifier}) and refused
 * if it was signed no later than an update already accepted (a replay); what fails is handed back with the reason,
 * so the caller can report it. Nothing a record holds can make a read throw: only a transient failure (the registry
 * unreachable) does, and then the same record is read again by the next poll instead of being skipped.
 *
 * <p>Not thread-safe (a Kafka consumer): use it from one thread.
 */
public final class ModelUpdateLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdateLog.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /**
     * Key suffix of candidate updates (shadow trial): a key of their own, so that compaction never lets a rejected
     * candidate replace the serving update.
     */
    public static final String CANDIDATE_KEY_SUFFIX = "/candidate";
    /** Accepted serving updates kept for {@link #acceptedNewestFirst()}: start-up falls back through them. */
    private static final int HISTORY = 20;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroRecordDecoder<ModelUpdate> decoder;
    private final ModelUpdateCheck check;
    private final String modelName;
    private final Deque<ModelUpdate> accepted = new ArrayDeque<>();
    /**
     * The latest signing time accepted so far, per key (serving, candidate); an update signed no later is a replay.
     * Per key because the two keys may sit on different partitions, read in no set order; the stage is signed, so
     * a candidate cannot be replayed as a serving update.
     */
    private final Map<Boolean, Instant> newestSignedAt = new HashMap<>();
    /** The last accepted candidate, until a tombstone under the candidate key withdraws it; see {@link #pendingCandidate}. */
    private ModelUpdate lastCandidate;

    /**
     * One record of the topic: the accepted update, or why it was refused, or neither: a tombstone under the
     * candidate key, the trainer withdrawing the candidate on trial (its rejection).
     */
    public record Entry(ConsumerRecord<byte[], byte[]> record, ModelUpdate update, ModelUpdateRejected error) {
        public boolean withdrawnCandidate() {
            return update == null && error == null;
        }
    }

    /**
     * @param clientConfig bootstrap servers plus any security settings
     * @param modelName    only updates with this key are returned
     */
    public ModelUpdateLog(Map<String, Object> clientConfig, Map<String, Object> registryConfig, String topic,
                          String modelName, ModelUpdateCheck check) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.decoder = new AvroRecordDecoder<>(ModelUpdate.class, registryConfig);
        this.check = check;
        this.modelName = modelName;
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Everything up to the current end of the topic: the history a new reader starts from. */
    public List<Entry> readToEnd() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        List<Entry> out = new ArrayList<>();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            out.addAll(poll(POLL));
        }
        return out;
    }

    /** The record key of a model's candidate updates. */
    public static String candidateKey(String modelName) {
        return modelName + CANDIDATE_KEY_SUFFIX;
    }

    /** The newest accepted serving update for this model name, after reading up to the current end. */
    public Optional<ModelUpdate> latest() {
        readToEnd();
        return Optional.ofNullable(accepted.peekLast());
    }

    /**
     * The last accepted serving updates (at most {@value #HISTORY}), newest first, after reading up to the current
     * end. Candidates are not among them: they are returned by {@link #poll} only.
     */
    public List<ModelUpdate> acceptedNewestFirst() {
        readToEnd();
        List<ModelUpdate> out = new ArrayList<>(accepted);
        java.util.Collections.reverse(out);
        return out;
    }

    /**
     * The candidate whose shadow trial has no verdict yet, after reading up to the current end: the last accepted
     * candidate, unless a tombstone under the candidate key came after it (the trainer's rejection) or a serving
     * update settled it: its promotion (the same version), or any serving update signed after it (a newer version or
     * a rollback, which ends every trial). The serving update may sit on another partition, read before or after the
     * candidate, so this is decided here, when asked, not while reading. A trainer that restarts resumes this trial.
     */
    public Optional<ModelUpdate> pendingCandidate() {
        readToEnd();
        ModelUpdate c = lastCandidate;
        if (c == null) {
            return Optional.empty();
        }
        for (ModelUpdate serving : accepted) {
            boolean signedLater = c.getSignedAt() != null && serving.getSignedAt() != null
                    && serving.getSignedAt().isAfter(c.getSignedAt());
            if (serving.getVersion().equals(c.getVersion()) || signedLater) {
                return Optional.empty();
            }
        }
        return Optional.of(c);
    }

    /**
     * New records for this model name, waiting at most {@code timeout}.
     *
     * @throws RuntimeException only for a transient failure (e.g. the registry unreachable) before any record of
     *                          this poll was handled; the records from the failed one on are read again next time
     */
    public List<Entry> poll(Duration timeout) {
        List<Entry> out = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        consumer.poll(timeout).forEach(records::add);
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<byte[], byte[]> r = records.get(i);
            try {
                read(r).ifPresent(out::add);
            } catch (RuntimeException transientFailure) {
                rewindTo(records.subList(i, records.size()));
                if (out.isEmpty()) {
                    throw transientFailure;
                }
                LOG.warn("reading model update {}-{}@{} failed; it is read again next time: {}", r.topic(),
                        r.partition(), r.offset(), transientFailure.getMessage());
                break;
            }
        }
        return out;
    }

    private Optional<Entry> read(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return Optional.empty();
        }
        String key = new String(r.key(), StandardCharsets.UTF_8);
        boolean candidateKey = key.equals(candidateKey(modelName));
        if (!candidateKey && !modelName.equals(key)) {
            return Optional.empty();
        }
        if (r.value() == null) {
            // a tombstone: compaction's way of deleting a key, not an update; under the candidate key it is the
            // trainer's rejection, which ends the trial (unsigned: it can only withdraw a candidate, never serve one)
            if (candidateKey) {
                lastCandidate = null;
                return Optional.of(new Entry(r, null, null));
            }
            return Optional.empty();
        }
        ModelUpdate update;
        try {
            update = decoder.decode(r.topic(), r.headers(), r.value());
        } catch (UndecodableRecordException e) {
            return Optional.of(new Entry(r, null, new ModelUpdateRejected(Reason.UNDECODABLE, e.getMessage(), e)));
        }
        try {
            check.check(update);
            checkStage(update, candidateKey);
            checkNotReplayed(update, candidateKey);
        } catch (ModelUpdateRejected e) {
            return Optional.of(new Entry(r, null, e));
        }
        if (update.getSignedAt() != null) {
            newestSignedAt.put(candidateKey, update.getSignedAt());
        }
        if (candidateKey) {
            lastCandidate = update;
            return Optional.of(new Entry(r, update, null));
        }
        accepted.addLast(update);
        while (accepted.size() > HISTORY) {
            accepted.removeFirst();
        }
        return Optional.of(new Entry(r, update, null));
    }

    /** After the signature check: a stage that goes with its key cannot have been moved there by anyone else. */
    private static void checkStage(ModelUpdate u, boolean candidateKey) throws ModelUpdateRejected {
        UpdateStage expected = candidateKey ? UpdateStage.CANDIDATE : UpdateStage.SERVE;
        UpdateStage stage = u.getStage() == null ? UpdateStage.SERVE : u.getStage();
        if (stage != expected) {
            throw new ModelUpdateRejected(Reason.WRONG_STAGE, "version " + u.getVersion() + " has stage " + stage
                    + " under a key for " + expected + " updates");
        }
    }

    private void checkNotReplayed(ModelUpdate u, boolean candidateKey) throws ModelUpdateRejected {
        Instant newest = newestSignedAt.get(candidateKey);
        if (u.getSignedAt() != null && newest != null && !u.getSignedAt().isAfter(newest)) {
            throw new ModelUpdateRejected(Reason.REPLAYED, "version " + u.getVersion() + " was signed at "
                    + u.getSignedAt() + ", not after the newest accepted update with its key (signed at " + newest + ")");
        }
    }

    /** Seeks each partition back to its first record not handled yet, so the next poll returns it again. */
    private void rewindTo(List<ConsumerRecord<byte[], byte[]>> unhandled) {
        Set<TopicPartition> done = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : unhandled) {
            TopicPartition p = new TopicPartition(r.topic(), r.partition());
            if (done.add(p)) {
                consumer.seek(p, r.offset());
            }
        }
    }

    /** Makes a blocked {@link #poll} return early, from any thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
        decoder.close();
    }
}
