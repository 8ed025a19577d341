package io.triage.service;

import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.schemas.TextEvent;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry restarted while the apps run: their serdes keep writing and reading the schemas they already know,
 * even once their cache entries are older than {@code apicurio.registry.check-period-ms} (here 200 ms, so that they
 * are, within the outage); the registry, on its {@code kafkasql} storage, comes back with the same ids. Before the
 * serdes were told to keep an expired entry when the registry cannot answer, every record failed meanwhile.
 */
class RegistryRestartTest {
    private static final String TOPIC = "registry-restart-events";

    @Test
    void knownSchemasKeepServingWhileTheRegistryRestarts() throws Exception {
        try (EmbeddedRegistry registry = EmbeddedRegistry.startOnKafka(SharedInfrastructure.kafka().bootstrapServers(),
                "registry-restart-journal")) {
            Map<String, Object> config = new HashMap<>(RegistrySettings.confluentWireFormat(registry.apiV2Url()));
            config.put("apicurio.registry.check-period-ms", 200);
            TextEvent event = TextEvent.newBuilder().setId("e-1").setText("still here")
                    .setEventTime(Instant.ofEpochMilli(42)).build();
            try (Serializer<TextEvent> serializer = RegistrySettings.avroSerializer(config);
                 AvroRecordDecoder<TextEvent> decoder = new AvroRecordDecoder<>(TextEvent.class, config)) {
                byte[] before = serializer.serialize(TOPIC, event);
                assertEquals(event, decoder.decode(TOPIC, new RecordHeaders(), before));

                CompletableFuture<Void> restart = CompletableFuture.runAsync(registry::restart);
                awaitDown(registry);
                Thread.sleep(500); // every cached entry is expired now
                assertArrayEquals(before, serializer.serialize(TOPIC, event), "written while the registry is down");
                assertEquals(event, decoder.decode(TOPIC, new RecordHeaders(), before), "read while it is down");

                restart.get(3, TimeUnit.MINUTES);
                assertArrayEquals(before, serializer.serialize(TOPIC, event), "the same id after the restart");
                assertEquals(event, decoder.decode(TOPIC, new RecordHeaders(), before));
            }
        }
    }

    /** Waits until the registry no longer answers. */
    private static void awaitDown(EmbeddedRegistry registry) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(registry.apiV3Url() + "/system/info"))
                .timeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                http.send(probe, HttpResponse.BodyHandlers.discarding());
            } catch (IOException down) {
                return;
            }
            Thread.sleep(20);
        }
        assertTrue(false, "the registry never went down");
    }
}
