package io.triage.service;

import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.triage.settings.ConfigValues;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

import java.util.HashMap;
import java.util.Map;

/**
 * Apicurio serde settings that read and write the Confluent wire format (magic byte + 4-byte schema id in the
 * payload, no Apicurio headers), so that Confluent clients, kcat and Triage interoperate; and that ride out a
 * registry restart on the schemas they already know.
 */
public final class RegistrySettings {
    private RegistrySettings() {}

    /**
     * An app's serde settings: its {@code registry.url} and {@code registry.auto.register}, its {@code apicurio.*}
     * pass-through (TLS, auth, headers), and the wire-format keys, which always stay Triage's.
     */
    public static Map<String, Object> of(ConfigValues config) {
        return with(config.get(ConfigValues.REGISTRY_URL), config.getBoolean(ConfigValues.REGISTRY_AUTO_REGISTER),
                config.registryPassThrough());
    }

    /** For tools and tests: the wire format, auto-registering. */
    public static Map<String, Object> confluentWireFormat(String registryUrl) {
        return with(registryUrl, true, Map.of());
    }

    /** @param registryUrl the registry's v2 API, e.g. {@code http://localhost:8081/apis/registry/v2} */
    private static Map<String, Object> with(String registryUrl, boolean autoRegister, Map<String, Object> passThrough) {
        Map<String, Object> c = new HashMap<>(passThrough);
        c.put("apicurio.registry.url", registryUrl);
        c.put("apicurio.registry.headers.enabled", false);
        c.put("apicurio.registry.as-confluent", true);
        // what as-confluent selects; named too, or the 2.6 serdes see their default handler and warn of a conflict
        c.put("apicurio.registry.id-handler", Legacy4ByteIdHandler.class.getName());
        c.put("apicurio.registry.use-id", "contentId");
        c.put("apicurio.registry.auto-register", autoRegister);
        // without auto-registration, write with the topic's latest registered schema (registered beforehand with
        // SchemaRegistration); looking a schema up by its content does not find it on a 3.x registry's v2 API
        c.put("apicurio.registry.find-latest", !autoRegister);
        c.put("apicurio.registry.use-specific-avro-reader", true);
        // a cached schema older than apicurio.registry.check-period-ms is looked up again; when the registry cannot
        // answer (restarting, unreachable), keep using the cached one instead of failing every record meanwhile:
        // an id never names another schema, so the cached answer is still right
        c.putIfAbsent("apicurio.registry.fault-tolerant-refresh", true);
        return c;
    }

    /** A value serializer writing {@code T} in that format, configured (Kafka calls configure() only on serdes it makes). */
    public static <T extends SpecificRecord> Serializer<T> avroSerializer(Map<String, Object> registryConfig) {
        AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
        serializer.configure(registryConfig, false);
        return serializer;
    }
}
