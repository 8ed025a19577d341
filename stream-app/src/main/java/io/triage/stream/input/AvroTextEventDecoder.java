package io.triage.stream.input;

import io.triage.schemas.TextEvent;
import io.triage.service.AvroRecordDecoder;
import io.triage.service.UndecodableRecordException;
import org.apache.kafka.common.header.Headers;

import java.util.Map;

/**
 * Avro {@code TextEvent}s in the Confluent wire format. An unknown schema id or foreign bytes are bad records; a
 * registry that can't be reached is not: that error propagates, the task fails before committing, and the record
 * is read again later.
 */
final class AvroTextEventDecoder implements TextEventDecoder {
    private final AvroRecordDecoder<TextEvent> avro;

    AvroTextEventDecoder(Map<String, Object> registryConfig) {
        avro = new AvroRecordDecoder<>(TextEvent.class, registryConfig);
    }

    @Override
    public TextEvent decode(byte[] value, Headers headers, SourcePosition source) throws InvalidInputException {
        try {
            return avro.decode(source.topic(), headers, value);
        } catch (UndecodableRecordException e) {
            InvalidInputException.Reason reason = switch (e.reason()) {
                case NULL_VALUE -> InvalidInputException.Reason.NULL_VALUE;
                case UNKNOWN_SCHEMA -> InvalidInputException.Reason.UNKNOWN_SCHEMA;
                case UNDECODABLE -> InvalidInputException.Reason.UNDECODABLE;
            };
            throw new InvalidInputException(reason, e.getMessage().substring(e.reason().name().length() + 2), e);
        }
    }

    @Override
    public void close() {
        avro.close();
    }
}
