package io.triage.stream.input;

import io.triage.schemas.TextEvent;
import org.apache.kafka.common.header.Headers;

import java.util.Map;

/** The value is the text (UTF-8); id and event time come from the record's position and timestamp. */
final class PlainTextDecoder implements TextEventDecoder {
    @Override
    public TextEvent decode(byte[] value, Headers headers, SourcePosition source) throws InvalidInputException {
        return TextEvent.newBuilder()
                .setId(source.defaultId())
                .setText(StrictUtf8.decode(value))
                .setTextPair(null)
                .setEventTime(java.time.Instant.ofEpochMilli(source.timestamp()))
                .setAttributes(Map.of())
                .build();
    }
}
