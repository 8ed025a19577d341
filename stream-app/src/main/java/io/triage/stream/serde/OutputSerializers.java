package io.triage.stream.serde;

import io.triage.service.RegistrySettings;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/** Value serializers for what the app writes: classified events and dead letters. */
public final class OutputSerializers {
    private OutputSerializers() {}

    /** @param registryConfig Apicurio serde settings; used by {@link OutputFormat#AVRO} only */
    public static <T extends SpecificRecord> Serializer<T> create(OutputFormat format, Map<String, Object> registryConfig) {
        return switch (format) {
            case AVRO -> RegistrySettings.avroSerializer(registryConfig);
            case JSON -> new AvroJsonSerializer<>();
        };
    }
}
