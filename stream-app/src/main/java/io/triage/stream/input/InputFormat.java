package io.triage.stream.input;

/** How text events are encoded on the input topic. */
public enum InputFormat {
    /** Avro {@code TextEvent} in the Confluent wire format (magic byte + 4-byte schema id), via the registry. */
    AVRO,
    /** A JSON object: {@code {"text": "...", "text_pair": "...", "id": "...", "event_time": 0, "attributes": {}}}. */
    JSON,
    /** The whole value is the text, UTF-8. */
    TEXT
}
