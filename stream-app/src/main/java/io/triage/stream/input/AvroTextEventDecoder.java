package io.triage.stream.input;

import io.apicurio.registry.rest.client.exception.NotFoundException;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.triage.schemas.TextEvent;
import org.apache.kafka.common.header.Headers;

import java.util.Map;

/**
 * Avro {@code TextEvent}s in the Confluent wire format, the writer schema looked up in the registry by id.
 *
 * <p>A record the registry knows nothing about (unknown schema id) is a bad record. A registry that can't be
 * reached is not: that error propagates, the task fails before committing, and the record is read again later.
 */
final class AvroTextEventDecoder implements TextEventDecoder {
    private final AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>();

    AvroTextEventDecoder(Map<String, Object> registryConfig) {
        deserializer.configure(registryConfig, false);
    }

    @Override
    public TextEvent decode(byte[] value, Headers headers, SourcePosition source) throws InvalidInputException {
        Object decoded;
        try {
            decoded = deserializer.deserialize(source.topic(), headers, value);
        } catch (RuntimeException e) {
            if (hasCause(e, NotFoundException.class)) {
                throw new InvalidInputException(InvalidInputException.Reason.UNKNOWN_SCHEMA,
                        "the registry has no schema with this record's id", e);
            }
            if (isRegistryUnreachable(e)) {
                throw e;
            }
            throw new InvalidInputException(InvalidInputException.Reason.UNDECODABLE,
                    "not an Avro TextEvent in the Confluent wire format: " + e.getMessage(), e);
        }
        if (decoded instanceof TextEvent event) {
            return event;
        }
        throw new InvalidInputException(InvalidInputException.Reason.UNDECODABLE,
                "expected an Avro io.triage.schemas.TextEvent, got " + (decoded == null ? "null" : decoded.getClass().getName()));
    }

    private static boolean isRegistryUnreachable(Throwable e) {
        return hasCause(e, java.net.ConnectException.class) || hasCause(e, java.net.http.HttpTimeoutException.class)
                || hasCause(e, java.net.http.HttpConnectTimeoutException.class);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
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
