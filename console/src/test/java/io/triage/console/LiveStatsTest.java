package io.triage.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.Timings;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LiveStatsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LiveStats stats = new LiveStats(60_000, now::get);

    private void result(long at, String version, float score, long latencyMs) {
        stats.result(ClassifiedEvent.newBuilder().setInputId("e").setLabel("a").setScore(score)
                .setScores(Map.of("a", score)).setModelName("m").setModelVersion(version)
                .setEventTime(Instant.ofEpochMilli(at)).setClassifiedAt(Instant.ofEpochMilli(at))
                .setTimings(new Timings(latencyMs, 0L, 1)).build());
    }

    @Test
    void figuresCoverTheWindowPerVersion() {
        result(now.get() - 120_000, "1", 0.9f, 5); // before the window
        for (int i = 1; i <= 100; i++) {
            result(now.get() - 10_000 + i * 100, "2", i / 100f - 0.001f, i);
        }
        JsonNode s = stats.snapshot();
        assertEquals(1, s.get("versions").size(), "version 1's only result is older than the window");
        JsonNode v = s.get("versions").get(0);
        assertEquals(100, v.get("events").asInt());
        assertEquals(50, v.get("p50Ms").asLong());
        assertEquals(99, v.get("p99Ms").asLong());
        assertEquals(10, v.get("confidence").get(9).asInt(), "scores 0.9-1.0 in the top bin");
        assertEquals(100 / 9.9, v.get("eventsPerSecond").asDouble(), 0.01);
    }

    @Test
    void aDeadLettersValueIsCutAndItsControlCharactersBlanked() {
        String value = "<b>x</b>\u0000\u0007" + "y".repeat(500);
        String excerpt = LiveStats.excerpt(ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        assertEquals(LiveStats.EXCERPT_CHARS, excerpt.length());
        assertEquals("<b>x</b>  yy", excerpt.substring(0, 12));
        assertEquals("\uFFFD", LiveStats.excerpt(ByteBuffer.wrap(new byte[] {(byte) 0xff})), "malformed UTF-8 replaced");
    }
}
