package io.triage.service;

import io.triage.schemas.DeadLetter;
import io.triage.schemas.FailureStage;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class DeadLettersTest {
    private static final int LIMIT = DeadLetters.DEFAULT_MAX_BYTES;
    /** The producer's default max.request.size: a letter over it cannot be sent. */
    private static final int MAX_REQUEST_SIZE = 1_048_576;

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    private static DeadLetter letter(byte[] key, byte[] value, Exception error) {
        return DeadLetters.of(key, value, "text-events", 2, 41L, FailureStage.DESERIALIZE, error, "UNDECODABLE",
                1_700_000_000_000L, LIMIT);
    }

    @Test
    void aOneMegabyteValueGivesALetterWithinTheLimitThatSaysItWasCut() throws IOException {
        byte[] key = random(200_000);
        byte[] value = random(1_048_576);

        DeadLetter letter = letter(key, value, new IllegalStateException("bad bytes"));

        assertEquals(ByteBuffer.wrap(Arrays.copyOf(value, LIMIT)), letter.getOriginalValue(), "the value's first bytes");
        assertEquals(1_048_576L, letter.getOriginalValueSize(), "the full size says the value was cut");
        assertEquals(ByteBuffer.wrap(Arrays.copyOf(key, LIMIT)), letter.getOriginalKey());
        assertEquals(200_000L, letter.getOriginalKeySize());
        int size = serializedSize(letter);
        assertTrue(size < 2 * LIMIT + 1_000, "key, value and a little more: " + size);
        assertTrue(size < MAX_REQUEST_SIZE, "sendable with the producer's default max.request.size: " + size);
    }

    @Test
    void recordsWithinTheLimitAreKeptWholeAndUnmarked() {
        byte[] value = random(LIMIT);

        DeadLetter letter = letter("k".getBytes(StandardCharsets.UTF_8), value, new IllegalStateException("bad"));

        assertEquals(ByteBuffer.wrap(value), letter.getOriginalValue());
        assertNull(letter.getOriginalValueSize());
        assertEquals(ByteBuffer.wrap("k".getBytes(StandardCharsets.UTF_8)), letter.getOriginalKey());
        assertNull(letter.getOriginalKeySize());
        assertEquals("UNDECODABLE: bad", letter.getMessage());

        DeadLetter tombstone = letter(null, null, new IllegalStateException("no value"));
        assertNull(tombstone.getOriginalKey());
        assertNull(tombstone.getOriginalValue());
        assertNull(tombstone.getOriginalValueSize());
    }

    @Test
    void aHugeMessageIsCut() {
        String quoted = "x".repeat(1_000_000);

        DeadLetter letter = letter(null, new byte[1], new IllegalStateException("UNDECODABLE: " + quoted));

        assertTrue(letter.getMessage().startsWith("UNDECODABLE: xxx"), "the reason stays first");
        assertTrue(letter.getMessage().length() <= DeadLetters.MAX_MESSAGE_CHARS + 3, "cut: " + letter.getMessage().length());
    }

    private static int serializedSize(DeadLetter letter) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(DeadLetter.class).write(letter, encoder);
        encoder.flush();
        return out.size();
    }
}
