package io.triage.stream.input;

import java.util.Map;

/** The decoder for a configured input format. */
public final class TextEventDecoders {
    private TextEventDecoders() {}

    /** @param registryConfig Apicurio serde settings; used by {@link InputFormat#AVRO} only */
    public static TextEventDecoder create(InputFormat format, Map<String, Object> registryConfig) {
        return switch (format) {
            case AVRO -> new AvroTextEventDecoder(registryConfig);
            case JSON -> new JsonTextEventDecoder();
            case TEXT -> new PlainTextDecoder();
        };
    }
}
