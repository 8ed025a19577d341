package io.triage.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.DeadLetter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The Live page's figures over the last {@code windowMs}, per model version: events/s, in-app latency (queue + model
 * time of each result: the stream app's own clock, unlike producer-set event times), the label distribution and a
 * histogram of top scores; and the last dead letters with their reasons. Bounded: at most {@link #MAX_RESULTS}
 * results and {@link #MAX_LETTERS} dead letters are kept.
 */
final class LiveStats {
    static final int BINS = 10;
    static final int MAX_RESULTS = 200_000;
    static final int MAX_LETTERS = 20;
    /** Of a dead letter's value, only this much is shown, as text: its bytes are never interpreted. */
    static final int EXCERPT_CHARS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Result(long at, String version, String label, float score, long latencyMs) {}

    private record Letter(long at, String stage, String message, String source, String excerpt) {}

    private final long windowMs;
    private final LongSupplier clock;
    private final Deque<Result> results = new ArrayDeque<>();
    private final Deque<Letter> letters = new ArrayDeque<>();

    LiveStats(long windowMs, LongSupplier clock) {
        this.windowMs = windowMs;
        this.clock = clock;
    }

    synchronized void result(ClassifiedEvent e) {
        results.addLast(new Result(e.getClassifiedAt().toEpochMilli(), e.getModelVersion(), e.getLabel(), e.getScore(),
                e.getTimings().getQueueMs() + e.getTimings().getModelMs()));
        if (results.size() > MAX_RESULTS) {
            results.removeFirst();
        }
    }

    synchronized void deadLetter(DeadLetter d) {
        letters.addLast(new Letter(d.getFailedAt().toEpochMilli(), d.getStage().name(), d.getMessage(),
                d.getSourceTopic() + "-" + d.getSourcePartition() + "@" + d.getSourceOffset(), excerpt(d.getOriginalValue())));
        if (letters.size() > MAX_LETTERS) {
            letters.removeFirst();
        }
    }

    synchronized ObjectNode snapshot() {
        long now = clock.getAsLong();
        while (!results.isEmpty() && results.peekFirst().at() < now - windowMs) {
            results.removeFirst();
        }
        Map<String, List<Result>> byVersion = new TreeMap<>();
        results.forEach(r -> byVersion.computeIfAbsent(r.version(), v -> new ArrayList<>()).add(r));
        ObjectNode out = JSON.createObjectNode().put("windowSeconds", windowMs / 1000);
        ArrayNode versions = out.putArray("versions");
        byVersion.forEach((version, rs) -> versions.add(versionStats(version, rs)));
        ArrayNode dead = out.putArray("deadLetters");
        letters.descendingIterator().forEachRemaining(l -> dead.addObject().put("at", l.at()).put("stage", l.stage())
                .put("message", l.message()).put("source", l.source()).put("excerpt", l.excerpt()));
        return out;
    }

    private ObjectNode versionStats(String version, List<Result> rs) {
        long first = rs.stream().mapToLong(Result::at).min().orElse(0);
        long last = rs.stream().mapToLong(Result::at).max().orElse(0);
        double seconds = Math.max(1, (last - first) / 1000.0);
        long[] latencies = rs.stream().mapToLong(Result::latencyMs).sorted().toArray();
        ObjectNode v = JSON.createObjectNode().put("version", version).put("events", rs.size())
                .put("eventsPerSecond", rs.size() / seconds)
                .put("p50Ms", latencies[(int) Math.floor(0.50 * (latencies.length - 1))])
                .put("p99Ms", latencies[(int) Math.floor(0.99 * (latencies.length - 1))]);
        Map<String, Integer> labels = new TreeMap<>();
        int[] bins = new int[BINS];
        for (Result r : rs) {
            labels.merge(r.label(), 1, Integer::sum);
            bins[Math.min(BINS - 1, Math.max(0, (int) (r.score() * BINS)))]++;
        }
        ObjectNode l = v.putObject("labels");
        labels.forEach(l::put);
        ArrayNode h = v.putArray("confidence");
        for (int b : bins) {
            h.add(b);
        }
        return v;
    }

    /** The first characters of the value as UTF-8 (malformed bytes replaced), control characters as spaces. */
    static String excerpt(ByteBuffer value) {
        if (value == null) {
            return "";
        }
        ByteBuffer bytes = value.duplicate();
        bytes.limit(Math.min(bytes.limit(), bytes.position() + EXCERPT_CHARS * 4)); // at most 4 bytes a character
        String text = StandardCharsets.UTF_8.decode(bytes).toString(); // replaces malformed input
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(EXCERPT_CHARS).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return out.toString();
    }
}
