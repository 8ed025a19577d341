package io.triage.service;

import io.triage.schemas.DeadLetter;
import io.triage.schemas.FailureStage;

import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds {@link DeadLetter}s the same way in both services: the original bytes, where they came from, and why. */
public final class DeadLetters {
    private DeadLetters() {}

    /**
     * @param reason a short upper-case code (e.g. {@code HASH_MISMATCH}) that the message starts with, so that
     *               operators can filter on it
     */
    public static DeadLetter of(byte[] key, byte[] value, String topic, int partition, long offset, FailureStage stage,
                                Throwable error, String reason, long nowMillis) {
        String message = String.valueOf(error.getMessage());
        return DeadLetter.newBuilder()
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setStage(stage)
                .setErrorType(error.getClass().getName())
                .setMessage(message.startsWith(reason) ? message : reason + ": " + message)
                .setFailedAt(Instant.ofEpochMilli(nowMillis))
                .build();
    }
}
