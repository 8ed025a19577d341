package io.triage.service;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.TrainingMode;
import io.triage.settings.ConfigValues;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.*;

/** Schemas registered ahead of time serve apps that may not register them; a kafkasql registry keeps them. */
class SchemaRegistrationTest {
    private static final ModelUpdate UPDATE = ModelUpdate.newBuilder().setModelName("triage").setVersion("v1")
            .setArtifactUri("file:///store/triage/v1/").setSha256("ab".repeat(32)).setLabels(List.of("neg", "pos"))
            .setMetrics(Map.of()).setTrainingMode(TrainingMode.HEAD).setCreatedAt(Instant.ofEpochMilli(1000)).build();

    private static Map<String, Object> readOnly(String registryUrl) {
        Properties p = new Properties();
        p.setProperty(ConfigValues.REGISTRY_URL, registryUrl);
        p.setProperty(ConfigValues.REGISTRY_AUTO_REGISTER, "false");
        return RegistrySettings.of(new ConfigValues(p) {}); // what an app with registry.auto.register=false uses
    }

    private static byte[] write(Map<String, Object> config, String topic) {
        try (AvroKafkaSerializer<ModelUpdate> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(config, false);
            return serializer.serialize(topic, UPDATE);
        }
    }

    private static Object read(Map<String, Object> config, String topic, byte[] bytes) {
        try (AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>()) {
            deserializer.configure(config, false);
            return deserializer.deserialize(topic, bytes);
        }
    }

    @Test
    void appsThatMayNotRegisterWriteExactlyTheTopicsRegisteredBeforehand() throws Exception {
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        Map<String, Object> config = RegistrySettings.confluentWireFormat(registry.apiV2Url());
        Map<String, Long> ids = SchemaRegistration.register(config, SchemaRegistration.parse(List.of("sr1.updates=ModelUpdate")));
        assertEquals(ids, SchemaRegistration.register(config, SchemaRegistration.parse(List.of("sr1.updates=ModelUpdate"))),
                "registering again changes nothing");

        byte[] bytes = write(readOnly(registry.apiV2Url()), "sr1.updates");
        assertEquals(UPDATE, read(readOnly(registry.apiV2Url()), "sr1.updates", bytes));
        assertThrows(RuntimeException.class, () -> write(readOnly(registry.apiV2Url()), "sr1.unregistered"),
                "a topic nobody registered cannot be written without auto-registration");
    }

    @Test
    void topicTypePairsAreCheckedAndTheDefaultsCoverEveryTopic() {
        assertThrows(IllegalArgumentException.class, () -> SchemaRegistration.parse(List.of("a=Nope")));
        assertThrows(IllegalArgumentException.class, () -> SchemaRegistration.parse(List.of("no-type")));
        assertEquals(7, SchemaRegistration.defaultTopics().size());
        assertEquals(7, Map.copyOf(SchemaRegistration.defaultTopics()).values().stream().distinct().count());
    }

    @Test
    void aKafkaSqlRegistryKnowsEverySchemaAfterARestart() throws Exception {
        EmbeddedKafka kafka = SharedInfrastructure.kafka();
        String journal = "sr-journal-" + System.nanoTime();
        byte[] bytes;
        try (EmbeddedRegistry first = EmbeddedRegistry.startOnKafka(kafka.bootstrapServers(), journal)) {
            bytes = write(RegistrySettings.confluentWireFormat(first.apiV2Url()), "sr2.updates");
        }
        try (EmbeddedRegistry second = EmbeddedRegistry.startOnKafka(kafka.bootstrapServers(), journal)) {
            assertEquals(UPDATE, read(readOnly(second.apiV2Url()), "sr2.updates", bytes),
                    "a record written before the restart still decodes: its schema id survived");
        }
    }
}
