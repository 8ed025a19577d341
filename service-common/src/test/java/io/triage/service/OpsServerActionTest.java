package io.triage.service;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** {@link OpsServer#onPost}: the bearer token, the method and the body cap, on a real server. */
class OpsServerActionTest {
    private static final String TOKEN = "s3cret-token-for-the-test";
    private static final String PATH = "/retrain";

    private final AtomicInteger runs = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private OpsServer server;

    private OpsServer start(BearerToken token) throws IOException {
        server = new OpsServer("127.0.0.1", 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true,
                () -> true).onPost(PATH, token, () -> "run " + runs.incrementAndGet());
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theRightTokenRunsTheAction() throws Exception {
        start(BearerToken.of(TOKEN));
        HttpResponse<String> response = post("Bearer " + TOKEN, HttpRequest.BodyPublishers.noBody());
        assertEquals(202, response.statusCode());
        assertEquals("run 1\n", response.body());
        assertEquals(202, post("bearer " + TOKEN, HttpRequest.BodyPublishers.ofString("{}")).statusCode(),
                "the scheme is case-insensitive, a small body is tolerated");
        assertEquals(2, runs.get());
    }

    @Test
    void aMissingOrWrongTokenGets401AndRunsNothing() throws Exception {
        start(BearerToken.of(TOKEN));
        for (String authorization : new String[] {null, "Bearer wrong", "Bearer " + TOKEN + "x", "Bearer ",
                "Basic " + TOKEN, TOKEN}) {
            HttpResponse<String> response = post(authorization, HttpRequest.BodyPublishers.noBody());
            assertEquals(401, response.statusCode(), String.valueOf(authorization));
            assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElse(null));
        }
        assertEquals(0, runs.get());
    }

    @Test
    void withoutATokenTheActionIsDisabled() throws Exception {
        start(BearerToken.of(""));
        assertEquals(401, post("Bearer ", HttpRequest.BodyPublishers.noBody()).statusCode());
        assertEquals(401, post("Bearer anything", HttpRequest.BodyPublishers.noBody()).statusCode());
        assertEquals(401, post(null, HttpRequest.BodyPublishers.noBody()).statusCode());
        assertEquals(0, runs.get());
    }

    @Test
    void otherMethodsGet405() throws Exception {
        start(BearerToken.of(TOKEN));
        RawHttp.Answer answer = RawHttp.send(server.port(), "GET", PATH, "Authorization: Bearer " + TOKEN);
        assertEquals(405, answer.status());
        assertTrue(answer.hasHeader("Allow", "POST"), answer.head());
        assertEquals(0, runs.get());
    }

    @Test
    void bodiesOverTheCapGet413() throws Exception {
        start(BearerToken.of(TOKEN));
        byte[] tooLarge = new byte[OpsServer.MAX_BODY_BYTES + 1];
        assertEquals(413, post("Bearer " + TOKEN, HttpRequest.BodyPublishers.ofByteArray(tooLarge)).statusCode(),
                "announced by Content-Length");
        assertEquals(413, post("Bearer " + TOKEN, HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(tooLarge))).statusCode(), "chunked, no length announced");

        // 50 MB announced, a little sent: refused without waiting for the rest
        byte[] head = ("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Length: 52428800\r\n\r\n" + "x".repeat(4096)).getBytes(StandardCharsets.US_ASCII);
        assertEquals(413, RawHttp.exchange(server.port(), head).status());
        assertEquals(0, runs.get());
    }

    @Test
    void anActionWithAQueryGetsItsParametersAndAnswersWithItsOwnStatus() throws Exception {
        start(BearerToken.of(TOKEN)).onPostWithQuery("/rollback", BearerToken.of(TOKEN), query -> {
            runs.incrementAndGet();
            String version = query.get("version");
            return version == null ? new OpsServer.Answer(400, "no version")
                    : new OpsServer.Answer(202, "to [" + version + "]");
        });
        String auth = "Authorization: Bearer " + TOKEN;
        RawHttp.Answer ok = RawHttp.send(server.port(), "POST", "/rollback?version=v%201&version=v2", auth,
                "Content-Length: 0");
        assertEquals(202, ok.status());
        assertEquals("to [v 1]\n", ok.body(), "decoded; a repeated name: its first value");
        assertEquals(400, RawHttp.send(server.port(), "POST", "/rollback", auth, "Content-Length: 0").status());
        assertEquals(2, runs.get());
        RawHttp.Answer malformed = RawHttp.send(server.port(), "POST", "/rollback?version=%ZZ", auth,
                "Content-Length: 0");
        assertEquals(400, malformed.status(), malformed.body());
        assertEquals(401, RawHttp.send(server.port(), "POST", "/rollback?version=v1", "Content-Length: 0").status());
        assertEquals(2, runs.get(), "neither a malformed query nor a missing token runs the action");
    }

    private HttpResponse<String> post(String authorization, HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + PATH))
                .timeout(Duration.ofSeconds(10)).POST(body);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
