package io.triage.service;

import io.triage.schemas.DeadLetter;
import io.triage.schemas.FailureStage;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * Builds {@link DeadLetter}s the same way in both services: the original bytes, where they came from, and why.
 *
 * <p>A dead letter must always be sendable, whatever the failed record looked like: its key and value are cut to
 * {@code maxBytes} each (the full size then goes to {@code original_key_size}/{@code original_value_size}), and
 * the message to {@link #MAX_MESSAGE_CHARS}. Otherwise a record near the broker's size limit would make a dead
 * letter over the producer's {@code max.request.size}, and its send would fail.
 */
public final class DeadLetters {
    /** The default of both apps' {@code dead.letter.max.value.bytes}. */
    public static final int DEFAULT_MAX_BYTES = 65_536;
    /** Messages can quote input; this keeps a letter's size bounded by its key and value. */
    public static final int MAX_MESSAGE_CHARS = 4_096;

    private DeadLetters() {}

    /**
     * @param reason   a short upper-case code (e.g. {@code HASH_MISMATCH}) that the message starts with, so that
     *                 operators can filter on it
     * @param maxBytes how many bytes of the key and of the value the letter keeps at most
     */
    public static DeadLetter of(byte[] key, byte[] value, String topic, int partition, long offset, FailureStage stage,
                                Throwable error, String reason, long nowMillis, int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("the dead-letter size limit must be >= 0, got " + maxBytes);
        }
        String message = String.valueOf(error.getMessage());
        message = message.startsWith(reason) ? message : reason + ": " + message;
        if (message.length() > MAX_MESSAGE_CHARS) {
            int end = Character.isHighSurrogate(message.charAt(MAX_MESSAGE_CHARS - 1)) ? MAX_MESSAGE_CHARS - 1
                    : MAX_MESSAGE_CHARS; // never half a character
            message = message.substring(0, end) + "...";
        }
        return DeadLetter.newBuilder()
                .setOriginalKey(head(key, maxBytes))
                .setOriginalKeySize(fullSizeIfCut(key, maxBytes))
                .setOriginalValue(head(value, maxBytes))
                .setOriginalValueSize(fullSizeIfCut(value, maxBytes))
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setStage(stage)
                .setErrorType(error.getClass().getName())
                .setMessage(message)
                .setFailedAt(Instant.ofEpochMilli(nowMillis))
                .build();
    }

    private static ByteBuffer head(byte[] bytes, int maxBytes) {
        if (bytes == null) {
            return null;
        }
        return ByteBuffer.wrap(bytes.length <= maxBytes ? bytes : Arrays.copyOf(bytes, maxBytes));
    }

    private static Long fullSizeIfCut(byte[] bytes, int maxBytes) {
        return bytes != null && bytes.length > maxBytes ? (long) bytes.length : null;
    }
}
