package io.triage.service;

import io.apicurio.registry.rest.client.exception.NotFoundException;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.Map;

/**
 * Decodes Avro records of one type in the Confluent wire format, the writer schema looked up in the registry by id.
 *
 * <p>A record the registry knows nothing about (unknown schema id) or that is not this type is a bad record: it
 * fails with an {@link UndecodableRecordException} saying which. A registry that can't be reached is not a bad
 * record: that error propagates, so the caller can retry instead of throwing the record away.
 */
public final class AvroRecordDecoder<T extends SpecificRecord> implements AutoCloseable {
    private final AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>();
    private final Class<T> type;

    public AvroRecordDecoder(Class<T> type, Map<String, Object> registryConfig) {
        this.type = type;
        deserializer.configure(registryConfig, false);
    }

    public T decode(String topic, Headers headers, byte[] value) throws UndecodableRecordException {
        if (value == null) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.NULL_VALUE, "the record has no value");
        }
        Object decoded;
        try {
            decoded = deserializer.deserialize(topic, headers, value);
        } catch (RuntimeException e) {
            if (hasCause(e, NotFoundException.class)) {
                throw new UndecodableRecordException(UndecodableRecordException.Reason.UNKNOWN_SCHEMA,
                        "the registry has no schema with this record's id", e);
            }
            if (hasCause(e, ConnectException.class) || hasCause(e, HttpTimeoutException.class)) {
                throw e;
            }
            throw new UndecodableRecordException(UndecodableRecordException.Reason.UNDECODABLE,
                    "not an Avro " + type.getSimpleName() + " in the Confluent wire format: " + e.getMessage(), e);
        }
        if (type.isInstance(decoded)) {
            return type.cast(decoded);
        }
        throw new UndecodableRecordException(UndecodableRecordException.Reason.UNDECODABLE, "expected an Avro "
                + type.getName() + ", got " + (decoded == null ? "null" : decoded.getClass().getName()));
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> cause) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (cause.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
