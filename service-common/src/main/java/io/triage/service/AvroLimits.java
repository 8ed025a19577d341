package io.triage.service;

import org.apache.avro.SystemLimitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps what an Avro record read from a topic may claim: a few bytes that announce a 2³¹-entry array or a 2 GiB string
 * would otherwise make the decoder allocate it (an OutOfMemoryError). Avro reads its {@code org.apache.avro.limits.*}
 * properties once, when it first decodes: {@link #install} must run before that, so the services' mains and every
 * Triage decoder call it. A value already set (e.g. with {@code -D}) is kept.
 */
public final class AvroLimits {
    private static final Logger LOG = LoggerFactory.getLogger(AvroLimits.class);
    /** Larger than any record Kafka would carry with its default limits. */
    public static final int MAX_STRING_BYTES = 16 << 20, MAX_BYTES = 16 << 20, MAX_COLLECTION_ITEMS = 100_000;

    private AvroLimits() {}

    public static synchronized void install() {
        setIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_STRING_BYTES);
        setIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_BYTES);
        setIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_COLLECTION_ITEMS);
        if (!inForce()) {
            LOG.warn("Avro decoded records before its limits were set: oversized claims in records are not capped");
        }
    }

    /** Whether Avro refuses a collection larger than the configured cap (false if it had read its limits before). */
    public static boolean inForce() {
        long cap = Long.getLong(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_COLLECTION_ITEMS);
        try {
            SystemLimitException.checkMaxCollectionLength(0, cap + 1);
            return false;
        } catch (SystemLimitException e) {
            return true;
        }
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }
}
