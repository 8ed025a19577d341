package io.triage.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedRegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final String V1 = """
            {"type":"record","name":"Ticket","namespace":"io.triage.test","fields":[
              {"name":"id","type":"string"}]}""";
    /** A new required field without a default: the new schema cannot read records written with V1. */
    private static final String INCOMPATIBLE = """
            {"type":"record","name":"Ticket","namespace":"io.triage.test","fields":[
              {"name":"id","type":"string"},
              {"name":"priority","type":"int"}]}""";
    /** A new optional field with a default: backward compatible. */
    private static final String COMPATIBLE = """
            {"type":"record","name":"Ticket","namespace":"io.triage.test","fields":[
              {"name":"id","type":"string"},
              {"name":"text","type":["null","string"],"default":null}]}""";

    private static EmbeddedRegistry registry;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        registry = EmbeddedRegistry.start();
        System.out.printf("Apicurio Registry ready at %s in %d ms%n", registry.url(), (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
            // the server is gone, not just detached from
            assertThrows(ConnectException.class, () -> get(registry.apiV3Url() + "/system/info"));
        }
    }

    @Test
    void globalCompatibilityRuleIsBackward() throws Exception {
        HttpResponse<String> rule = get(registry.url() + "/apis/registry/v3/admin/rules/COMPATIBILITY");
        assertEquals(200, rule.statusCode(), rule.body());
        assertEquals("BACKWARD", JSON.readTree(rule.body()).path("config").asText());

        HttpResponse<String> v2Rule = get(registry.apiV2Url() + "/admin/rules/COMPATIBILITY");
        assertEquals(200, v2Rule.statusCode(), v2Rule.body());
        assertEquals("BACKWARD", JSON.readTree(v2Rule.body()).path("config").asText());
    }

    @Test
    void v2ApiEnforcesBackwardCompatibility() throws Exception {
        String artifact = "tickets-value";
        HttpResponse<String> created = send(HttpRequest.newBuilder(
                        URI.create(registry.apiV2Url() + "/groups/default/artifacts"))
                .header("Content-Type", "application/json")
                .header("X-Registry-ArtifactId", artifact)
                .header("X-Registry-ArtifactType", "AVRO")
                .POST(HttpRequest.BodyPublishers.ofString(V1)));
        assertEquals(200, created.statusCode(), created.body());
        assertTrue(JSON.readTree(created.body()).path("globalId").asLong() > 0, created.body());

        String versions = registry.apiV2Url() + "/groups/default/artifacts/" + artifact + "/versions";
        HttpResponse<String> rejected = postJson(versions, INCOMPATIBLE);
        // Registry 3.x answers a rule violation with 400 on its v2 and v3 APIs (2.x said 409); ccompat says 409.
        assertEquals(400, rejected.statusCode(), rejected.body());
        assertEquals("RuleViolationException", JSON.readTree(rejected.body()).path("name").asText(), rejected.body());

        HttpResponse<String> accepted = postJson(versions, COMPATIBLE);
        assertEquals(200, accepted.statusCode(), accepted.body());
        assertEquals("2", JSON.readTree(accepted.body()).path("version").asText(), accepted.body());
    }

    @Test
    void confluentCompatibleApiEnforcesBackwardCompatibility() throws Exception {
        String subject = registry.confluentCompatUrl() + "/subjects/orders-value/versions";
        HttpResponse<String> first = postJson(subject, schemaRequest(V1));
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(JSON.readTree(first.body()).path("id").asLong() > 0, first.body());

        HttpResponse<String> check = postJson(
                registry.confluentCompatUrl() + "/compatibility/subjects/orders-value/versions/latest",
                schemaRequest(INCOMPATIBLE));
        assertEquals(200, check.statusCode(), check.body());
        assertFalse(JSON.readTree(check.body()).path("is_compatible").asBoolean(true), check.body());

        HttpResponse<String> rejected = postJson(subject, schemaRequest(INCOMPATIBLE));
        assertEquals(409, rejected.statusCode(), rejected.body());
        HttpResponse<String> accepted = postJson(subject, schemaRequest(COMPATIBLE));
        assertEquals(200, accepted.statusCode(), accepted.body());
    }

    private static String schemaRequest(String avro) {
        return JSON.createObjectNode().put("schema", avro).put("schemaType", "AVRO").toString();
    }

    private static HttpResponse<String> get(String uri) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(uri)).GET());
    }

    private static HttpResponse<String> postJson(String uri, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(uri))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
