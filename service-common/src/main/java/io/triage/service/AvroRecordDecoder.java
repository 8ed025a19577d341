package io.triage.service;

import io.apicurio.registry.rest.client.exception.NotFoundException;
import io.apicurio.registry.rest.client.exception.RestClientException;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import java.util.Set;

/**
 * Decodes Avro records of one type in the Confluent wire format, the writer schema looked up in the registry by id.
 *
 * <p>A record the registry knows nothing about (unknown schema id) or that is not this type is a bad record: it
 * fails with an {@link UndecodableRecordException} saying which. A registry that can't be reached is not a bad
 * record: that error propagates, so the caller can retry instead of throwing the record away.
 */
public final class AvroRecordDecoder<T extends SpecificRecord> implements AutoCloseable {
    /** I/O failures as Apicurio's client names them in a RestClientException's error. */
    private static final Set<String> TRANSPORT_FAILURES = Set.of("ConnectException", "HttpConnectTimeoutException",
            "HttpTimeoutException", "IOException", "SocketException", "UnknownHostException", "ClosedChannelException",
            "EOFException", "SSLException");
    static {
        AvroLimits.install();
    }

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
            if (registryUnavailable(e)) {
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

    /**
     * Whether the registry could not answer (down, unreachable, timing out, failing with a 5xx) rather than saying
     * something about the record. Apicurio's client reports a connection failure as a {@link RestClientException}
     * without a cause, naming the I/O exception's class in its error.
     */
    static boolean registryUnavailable(Throwable e) {
        if (hasCause(e, ConnectException.class) || hasCause(e, HttpTimeoutException.class)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RestClientException r && r.getError() != null) {
                Integer code = r.getError().getErrorCode();
                String name = String.valueOf(r.getError().getName());
                if (code != null && code >= 500 || TRANSPORT_FAILURES.contains(name)) {
                    return true;
                }
            }
        }
        return false;
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
