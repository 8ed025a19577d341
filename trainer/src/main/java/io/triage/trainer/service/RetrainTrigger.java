package io.triage.trainer.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * When to train: {@code retrain.min.examples} new or corrected examples since the last run, the schedule when
 * anything new arrived, or a manual request. How far the last run got is kept in {@code trainer-state.json}
 * beside the feedback, so a restart neither retrains on old news nor forgets new examples.
 */
final class RetrainTrigger {
    static final String FILE = "trainer-state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final long minExamples;
    private final long intervalMillis;
    /** {@link FeedbackStore#changes()} when the last finished run started: a run cut off by a crash is redone. */
    private long trainedThrough;
    private long lastRunMillis;
    private boolean requested;

    private RetrainTrigger(Path file, long minExamples, long intervalMillis, long trainedThrough, long lastRunMillis) {
        this.file = file;
        this.minExamples = minExamples;
        this.intervalMillis = intervalMillis;
        this.trainedThrough = trainedThrough;
        this.lastRunMillis = lastRunMillis;
    }

    static RetrainTrigger load(Path dataDir, long minExamples, long intervalMillis, long nowMillis) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return new RetrainTrigger(file, minExamples, intervalMillis, 0, nowMillis);
        }
        var state = JSON.readTree(file.toFile());
        return new RetrainTrigger(file, minExamples, intervalMillis, state.path("trainedThrough").asLong(),
                state.path("lastRunMillis").asLong(nowMillis));
    }

    /** A manual request: the next check runs, whatever arrived. */
    synchronized void request() {
        requested = true;
    }

    /** Why a run is due now, or empty; a pending manual request is taken by this call. */
    synchronized Optional<String> due(long changes, long nowMillis) {
        long fresh = changes - trainedThrough;
        if (requested) {
            requested = false;
            return Optional.of("requested");
        }
        if (fresh >= minExamples) {
            return Optional.of(fresh + " new examples");
        }
        if (intervalMillis > 0 && fresh > 0 && nowMillis - lastRunMillis >= intervalMillis) {
            return Optional.of("schedule, " + fresh + " new examples");
        }
        return Optional.empty();
    }

    /**
     * Records a finished run (whatever its outcome: a failing one waits for new data or the schedule rather than
     * retrying at once) that started when the store had {@code changes} changes; written atomically.
     */
    synchronized void ran(long changes, long nowMillis) throws IOException {
        trainedThrough = changes;
        lastRunMillis = nowMillis;
        ObjectNode state = JSON.createObjectNode().put("trainedThrough", changes).put("lastRunMillis", nowMillis);
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(state));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
