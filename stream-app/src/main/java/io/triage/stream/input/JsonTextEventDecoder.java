package io.triage.stream.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triage.schemas.TextEvent;
import org.apache.kafka.common.header.Headers;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON object with the TextEvent fields; only {@code text} is required. {@code id} defaults to the record's
 * position and {@code event_time} (epoch millis) to the record timestamp.
 */
final class JsonTextEventDecoder implements TextEventDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public TextEvent decode(byte[] value, Headers headers, SourcePosition source) throws InvalidInputException {
        JsonNode node = parse(value);
        if (!node.isObject()) {
            throw new InvalidInputException(InvalidInputException.Reason.UNDECODABLE,
                    "expected a JSON object, got " + node.getNodeType());
        }
        JsonNode text = node.get("text");
        if (text == null || text.isNull()) {
            throw new InvalidInputException(InvalidInputException.Reason.MISSING_TEXT, "JSON object has no 'text'");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        node.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
        JsonNode pair = node.get("text_pair");
        return TextEvent.newBuilder()
                .setId(node.hasNonNull("id") ? node.get("id").asText() : source.defaultId())
                .setText(text.asText())
                .setTextPair(pair == null || pair.isNull() ? null : pair.asText())
                .setEventTime(Instant.ofEpochMilli(node.path("event_time").asLong(source.timestamp())))
                .setAttributes(attributes)
                .build();
    }

    private static JsonNode parse(byte[] value) throws InvalidInputException {
        try {
            // Jackson's UTF-8 parser rejects malformed bytes, so invalid UTF-8 shows up here too
            return JSON.readTree(value);
        } catch (JsonProcessingException e) {
            boolean utf8 = String.valueOf(e.getOriginalMessage()).contains("UTF-8");
            throw new InvalidInputException(utf8 ? InvalidInputException.Reason.INVALID_UTF8
                    : InvalidInputException.Reason.UNDECODABLE, "not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidInputException(InvalidInputException.Reason.UNDECODABLE, "not JSON: " + e.getMessage(), e);
        }
    }
}
