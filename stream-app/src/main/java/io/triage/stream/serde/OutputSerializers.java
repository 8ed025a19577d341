package io.triage.stream.serde;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/** Value serializers for what the app writes: classified events and dead letters. */
public final class OutputSerializers {
    private OutputSerializers() {}

    /** @param registryConfig Apicurio serde settings; used by {@link OutputFormat#AVRO} only */
    public static <T extends SpecificRecord> Serializer<T> create(OutputFormat format, Map<String, Object> registryConfig) {
        return switch (format) {
            case AVRO -> {
                // Kafka Streams calls configure() only on serdes it creates from config, not on instances we hand it
                AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
                serializer.configure(registryConfig, false);
                yield serializer;
            }
            case JSON -> new AvroJsonSerializer<>();
        };
    }
}
