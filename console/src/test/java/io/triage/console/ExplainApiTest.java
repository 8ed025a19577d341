package io.triage.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code POST /api/explain} on the real broker and registry with a real artifact (the bundled MiniLM saved into the
 * allowed store, published signed): attributions that add up, the nearest labeled examples from the feedback
 * topic, and a clear answer, never a crash, for every way it can fail.
 */
class ExplainApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String body(String version, String text) {
        return JSON.createObjectNode().put("version", version).put("text", text).toString();
    }

    @Test
    void explainsATextUnderTheVersionWithTheNearestLabeledExamples() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture("explain-api")) {
            f.publishModel("v3");
            f.labeled("l1", "my parcel never arrived", "b");
            f.labeled("l2", "the invoice is wrong", "a");
            f.labeled("l1", "my parcel never arrived", "a"); // a correction: one example per id, the later label
            f.start();
            ConsoleClient ana = ConsoleClient.signedIn(f.url(), "ana", ConsoleFixture.TOKEN);
            assertEquals(403, ana.post("/api/explain", body("v3", "x"), null, f.url()).statusCode(), "CSRF token");

            JsonNode e = explainWhenExamplesArrived(ana, "where is my parcel <script>", 2);
            assertEquals("v3", e.get("model").get("version").asText());
            assertEquals("integrated gradients", e.get("method").asText());
            JsonNode tokens = e.get("tokens");
            assertEquals("[CLS]", tokens.get(0).asText());
            assertTrue(tokens.toString().contains("\"<\",\"script\",\">\""), tokens.toString());
            assertEquals(2, e.get("labels").size());
            for (JsonNode label : e.get("labels")) {
                assertEquals(tokens.size(), label.get("attributions").size());
                double moved = label.get("score").asDouble() - label.get("baselineScore").asDouble();
                assertEquals(moved, label.get("sum").asDouble(), 1e-3, "completeness, " + label.get("label"));
            }
            assertTrue(e.get("maxAbsGap").asDouble() < 1e-3, e.toString());
            JsonNode nearest = e.get("nearest");
            assertEquals(2, nearest.size(), "both examples, once each");
            assertEquals("my parcel never arrived", nearest.get(0).get("text").asText(), "the closest first");
            assertEquals("a", nearest.get(0).get("label").asText(), "the later label");
            assertTrue(nearest.get(0).get("similarity").asDouble() > nearest.get(1).get("similarity").asDouble());

            HttpResponse<String> unknown = ana.post("/api/explain", body("v9", "hello"), csrf(ana), f.url());
            assertEquals(404, unknown.statusCode());
            assertTrue(unknown.body().contains("no version 'v9'"), unknown.body());
            HttpResponse<String> empty = ana.post("/api/explain", body("v3", "   "), csrf(ana), f.url());
            assertEquals(400, empty.statusCode(), empty.body());
        }
    }

    @Test
    void aBrokenOrTamperedArtifactOrALongTextIsRefusedInWords(@TempDir Path outside) throws Exception {
        try (ConsoleFixture f = new ConsoleFixture("explain-broken")) {
            Path broken = Files.createDirectories(ConsoleFixture.STORE.resolve("broken-" + System.nanoTime()));
            Files.writeString(broken.resolve("config.json"), "{\"model_type\": \"bert\"");
            Files.writeString(broken.resolve("tokenizer.json"), "{}");
            Files.write(broken.resolve("model.safetensors"), new byte[] {1, 2, 3});
            f.publish("v-broken", null, 0.5f, broken, io.triage.model.io.ModelArtifact.sha256(broken));
            f.publish("v-tampered", null, 0.5f, broken, "0".repeat(64));
            f.publish("v-outside", null, 0.5f, Files.createDirectories(outside.resolve("v")), "0".repeat(64));
            f.publishModel("v3");
            f.settings.put(ConsoleSettings.EXPLAIN_MAX_TOKENS, "8");
            f.start();
            ConsoleClient ana = ConsoleClient.signedIn(f.url(), "ana", ConsoleFixture.TOKEN);

            assertRefused(ana, f, "v-broken", 502, "the artifact of version v-broken cannot be loaded");
            assertRefused(ana, f, "v-tampered", 502, "has SHA-256");
            assertRefused(ana, f, "v-outside", 502, "outside the allowed locations");
            assertRefused(ana, f, "v3", 413, "explanations cover at most 8");
            assertEquals(200, ana.post("/api/explain", body("v3", "short"), csrf(ana), f.url()).statusCode(),
                    "the console still explains");
        }
    }

    @Test
    void withoutAnAllowedStoreExplanationsAreOff() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture("explain-off")) {
            f.settings.put(ConsoleSettings.ARTIFACT_ALLOWED_URIS, "");
            f.start();
            ConsoleClient ana = ConsoleClient.signedIn(f.url(), "ana", ConsoleFixture.TOKEN);
            assertRefused(ana, f, "v1", 503, "explanations are off");
        }
    }

    private static void assertRefused(ConsoleClient c, ConsoleFixture f, String version, int status, String why)
            throws Exception {
        HttpResponse<String> r = c.post("/api/explain", body(version, "where is my parcel, it is late again"), csrf(c),
                f.url());
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(JSON.readTree(r.body()).get("error").asText().contains(why), r.body());
    }

    /** The console reads the feedback topic on a thread of its own: asks again until it has seen {@code n}. */
    private static JsonNode explainWhenExamplesArrived(ConsoleClient c, String text, int n) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            JsonNode e = c.call("/api/explain", body("v3", text));
            if (e.get("examplesSearched").asInt() >= n || System.nanoTime() > deadline) {
                return e;
            }
            Thread.sleep(200);
        }
    }

    private static String csrf(ConsoleClient c) throws Exception {
        return JSON.readTree(c.get("/api/session").body()).get("csrf").asText();
    }
}
