package io.triage.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.schemas.TextEvent;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What Confluent clients (kcat, Confluent's deserializers) need: a magic byte 0, a 4-byte schema id that the
 * registry's Confluent-compatible API resolves, then the plain Avro binary.
 */
class RegistrySettingsTest {

    @Test
    void writesTheConfluentWireFormatThatTheCompatibleApiResolves() throws Exception {
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        TextEvent event = TextEvent.newBuilder().setId("e-1").setText("i feel great").setEventTime(Instant.ofEpochMilli(42))
                .build();
        byte[] bytes;
        try (Serializer<TextEvent> serializer = RegistrySettings.avroSerializer(
                RegistrySettings.confluentWireFormat(registry.apiV2Url()))) {
            bytes = serializer.serialize("wire-format-events", event);
        }

        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        assertEquals(0, buffer.get(), "magic byte");
        int id = buffer.getInt();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registry.confluentCompatUrl() + "/schemas/ids/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        Schema schema = new Schema.Parser().parse(new ObjectMapper().readTree(answer.body()).get("schema").asText());
        assertEquals(TextEvent.getClassSchema().getFullName(), schema.getFullName());

        GenericRecord decoded = new GenericDatumReader<GenericRecord>(schema).read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertEquals("e-1", decoded.get("id").toString());
        assertEquals("i feel great", decoded.get("text").toString());
        assertEquals(42L, decoded.get("event_time"));
    }
}
