package io.triage.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.triage.schemas.LabeledExample;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.triage.console.ConsoleClient.eventId;
import static io.triage.console.ConsoleClient.labelCall;
import static org.junit.jupiter.api.Assertions.*;

/** The console's HTTP API on the real broker and registry: sign-in, CSRF, leases, labels, undo, restarts. */
class ConsoleApiTest {

    @Test
    void everyPageAndCallNeedsASignInAndAWrongTokenGetsNone() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture("api-auth")) {
            f.start();
            ConsoleClient c = new ConsoleClient(f.url());
            HttpResponse<String> page = c.get("/review");
            assertEquals(303, page.statusCode());
            assertEquals("/login", page.headers().firstValue("Location").orElseThrow());
            assertEquals(401, c.get("/api/session").statusCode());
            assertEquals(401, c.post("/api/next", "{}", "x", null).statusCode());
            assertEquals("/login?failed", c.signIn("ana", "wrong token, long enough"));
            assertEquals(401, c.get("/api/session").statusCode());
            assertEquals("/login?failed", c.signIn("", ConsoleFixture.TOKEN), "a name is required");
            assertEquals("/review", c.signIn("ana", ConsoleFixture.TOKEN));
            String cookie = c.lastSetCookie();
            assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"),
                    cookie);
            assertEquals(200, c.get("/review").statusCode());
            assertTrue(c.get("/review").headers().firstValue("Content-Security-Policy").orElseThrow()
                    .contains("script-src 'self'"));
        }
    }

    /**
     * A call refused before its body is read leaves the body on the connection, and the server closes it after the
     * answer: the answer must say so, or a client sends its next request on that connection and gets no answer (CI
     * saw "HTTP/1.1 header parser received no bytes" on the sign-in after an unsigned POST). The body is sent only
     * after the answer is read, so the server cannot have read it.
     */
    @Test
    void aCallRefusedBeforeItsBodyIsReadClosesTheConnectionAndSaysSo() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture("api-close")) {
            f.start();
            URI console = URI.create(f.url());
            try (Socket socket = new Socket(console.getHost(), console.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("POST /api/next HTTP/1.1\r\nHost: " + console.getAuthority()
                        + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII));
                assertEquals("HTTP/1.1 401 Unauthorized", in.readLine());
                List<String> headers = new ArrayList<>();
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    headers.add(line.toLowerCase(java.util.Locale.ROOT));
                }
                assertTrue(headers.contains("connection: close"), headers.toString());
            }
            ConsoleClient c = new ConsoleClient(f.url());
            assertEquals(401, c.post("/api/next", "{}", "x", null).statusCode());
            assertEquals("/login?failed", c.signIn("ana", "wrong token, long enough"), "the next request is answered");
            assertEquals("/review", c.signIn("ana", ConsoleFixture.TOKEN));
            assertEquals(200, c.get("/api/session").statusCode());
        }
    }

    @Test
    void failedSignInsFromOneAddressAreCappedWithA429AndCounted() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture("api-limit")) {
            f.settings.put(ConsoleSettings.SIGN_IN_MAX_FAILURES, "2");
            f.start();
            ConsoleClient c = new ConsoleClient(f.url());
            assertEquals("/login?failed", c.signIn("eve", "wrong token, long enough"));
            assertEquals("/login?failed", c.signIn("mallory", "another wrong token"));
            HttpResponse<String> limited = c.post("/login", "name=ana&token=" + java.net.URLEncoder.encode(
                    ConsoleFixture.TOKEN, java.nio.charset.StandardCharsets.UTF_8), null, null);
            assertEquals(429, limited.statusCode(), "even the right token, from this address, until the window ends");
            assertTrue(limited.body().startsWith("Too many failed sign-ins"), limited.body());
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter > 0 && retryAfter <= 300, "seconds: " + retryAfter);
            assertEquals(401, c.get("/api/session").statusCode(), "no session");

            String metrics = c.get("/metrics").body();
            assertTrue(metrics.contains("triage_console_signin_failures_total{reason=\"wrong\"} 2.0"), metrics);
            assertTrue(metrics.contains("triage_console_signin_failures_total{reason=\"limited\"} 1.0"), metrics);
        }
    }

    @Test
    void metricsCountLabelsUndosWaitingEventsAndLeases() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture("api-metrics")) {
            f.review("e1", "one", 0.51f);
            f.review("e2", "two", 0.55f);
            f.start();
            f.awaitReady();
            ConsoleClient ana = ConsoleClient.signedIn(f.url(), "ana", ConsoleFixture.TOKEN);
            HttpResponse<String> scrape = ana.get("/metrics");
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
            assertTrue(scrape.body().contains("triage_console_waiting 2.0"), scrape.body());
            assertTrue(scrape.body().contains("triage_console_leases 0.0"), scrape.body());

            ana.call("/api/next", "{}");
            assertTrue(ana.get("/metrics").body().contains("triage_console_leases 1.0"));
            ana.call("/api/label", labelCall("e1", "a"));
            ana.call("/api/undo", "{}");
            String after = new ConsoleClient(f.url()).get("/metrics").body();
            assertTrue(after.contains("triage_console_labels_total 1.0"), "no sign-in needed: " + after);
            assertTrue(after.contains("triage_console_undos_total 1.0"), after);
        }
    }

    @Test
    void stateChangingCallsNeedTheSessionsCsrfTokenAndThisOrigin() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture("api-csrf")) {
            f.start();
            ConsoleClient c = new ConsoleClient(f.url());
            c.signIn("ana", ConsoleFixture.TOKEN);
            assertEquals(403, c.post("/api/next", "{}", null, null).statusCode(), "no token");
            assertEquals(403, c.post("/api/next", "{}", "forged", null).statusCode(), "a wrong token");
            assertEquals(0, c.call("/api/next", "{}").get("counts").get("done").asInt(), "with both: answered");
            assertEquals(403, c.post("/api/rollback", "{\"version\":\"1\"}", null, null).statusCode(), "no token");
            assertEquals(403, c.post("/api/rollback", "{\"version\":\"1\"}", "forged", null).statusCode());
            assertEquals(List.of(), f.rollbacks, "the trainer was not asked to roll back");
            HttpResponse<String> crossSite = new ConsoleClient(f.url()).post("/login",
                    "name=eve&token=x", null, "https://evil.example");
            assertEquals(403, crossSite.statusCode(), "a sign-in posted from another site");
        }
    }

    @Test
    void twoReviewersNeverGetTheSameEventAndALabelArrivesOnceWithReviewerAndId() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture("api-leases")) {
            f.review("e-sure", "fairly sure", 0.8f);
            f.review("e-unsure", "unsure", 0.52f);
            f.start();
            f.awaitReady();
            ConsoleClient ana = ConsoleClient.signedIn(f.url(), "ana", ConsoleFixture.TOKEN);
            ConsoleClient bob = ConsoleClient.signedIn(f.url(), "bob", ConsoleFixture.TOKEN);

            assertEquals("e-unsure", eventId(ana.call("/api/next", "{}")), "most uncertain first");
            assertEquals("e-sure", eventId(bob.call("/api/next", "{}")), "not the one ana holds");
            assertEquals("e-unsure", eventId(ana.call("/api/next", "{}")), "a reload shows ana her event again");
            assertEquals(409, bob.status("/api/label", labelCall("e-unsure", "a")), "ana's event is not bob's to label");
            assertEquals(409, bob.status("/api/label", labelCall("e-sure", "no-such-label")));

            JsonNode after = ana.call("/api/label", labelCall("e-unsure", "b"));
            assertNull(eventId(after), "the other event is bob's");
            assertEquals(1, after.get("counts").get("done").asInt());
            List<LabeledExample> labels = f.feedback(1, new ArrayList<>());
            assertEquals(1, labels.size());
            LabeledExample label = labels.get(0);
            assertEquals("e-unsure", label.getId());
            assertEquals("b", label.getLabel());
            assertEquals("review", label.getSource());
            assertEquals("ana", label.getReviewer());
            assertEquals("unsure", label.getText());
        }
    }

    @Test
    void undoReopensTheLastLabelAndTheNewLabelCorrectsItUnderTheSameId() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture("api-undo")) {
            f.review("e1", "first", 0.55f);
            f.start();
            f.awaitReady();
            ConsoleClient ana = ConsoleClient.signedIn(f.url(), "ana", ConsoleFixture.TOKEN);
            ana.call("/api/next", "{}");
            ana.call("/api/label", labelCall("e1", "a"));
            JsonNode undone = ana.call("/api/undo", "{}");
            assertEquals("e1", eventId(undone));
            assertEquals(0, undone.get("counts").get("done").asInt());
            assertEquals(409, ana.status("/api/undo", "{}"), "one undo per label");
            ana.call("/api/label", labelCall("e1", "b"));
            List<LabeledExample> labels = f.feedback(2, new ArrayList<>());
            assertEquals(List.of("a", "b"), labels.stream().map(LabeledExample::getLabel).toList());
            assertEquals(List.of("e1", "e1"), labels.stream().map(LabeledExample::getId).toList());
        }
    }

    @Test
    void leasesAndLabelsSurviveARestart() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture("api-restart")) {
            f.review("e1", "one", 0.51f);
            f.review("e2", "two", 0.55f);
            f.review("e3", "three", 0.6f);
            f.start();
            f.awaitReady();
            ConsoleClient ana = ConsoleClient.signedIn(f.url(), "ana", ConsoleFixture.TOKEN);
            ConsoleClient bob = ConsoleClient.signedIn(f.url(), "bob", ConsoleFixture.TOKEN);
            ana.call("/api/next", "{}");
            ana.call("/api/label", labelCall("e1", "a")); // e1 done; ana now holds e2
            assertEquals("e3", eventId(bob.call("/api/next", "{}")));

            f.restart();
            f.awaitReady();
            ConsoleClient carol = ConsoleClient.signedIn(f.url(), "carol", ConsoleFixture.TOKEN);
            JsonNode none = carol.call("/api/next", "{}");
            assertNull(eventId(none), "e1 is labeled, e2 and e3 still leased to ana and bob");
            assertEquals(1, none.get("counts").get("done").asInt());
            ConsoleClient anaAgain = ConsoleClient.signedIn(f.url(), "ana", ConsoleFixture.TOKEN);
            assertEquals("e2", eventId(anaAgain.call("/api/next", "{}")), "ana gets her event back");
            assertEquals(1, f.feedback(1, new ArrayList<>()).size());
        }
    }

    @Test
    void aSecondConsoleWithTheSameTransactionalIdFencesTheFirstWhichThenChangesNothing() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture("api-fence")) {
            f.review("e1", "one", 0.5f);
            f.start();
            f.awaitReady();
            ConsoleClient ana = ConsoleClient.signedIn(f.url(), "ana", ConsoleFixture.TOKEN);
            assertEquals("e1", eventId(ana.call("/api/next", "{}")));
            try (TriageConsole second = TriageConsole.start(ConsoleSettings.of(f.settings))) {
                assertEquals(503, ana.status("/api/label", labelCall("e1", "a")), "the fenced console cannot write");
                assertEquals("{\"waiting\":1,\"leased\":1,\"done\":0}", ana.get("/api/counts").body());
                ConsoleClient onSecond = ConsoleClient.signedIn("http://127.0.0.1:" + second.port(), "ana", ConsoleFixture.TOKEN);
                assertEquals("e1", eventId(onSecond.call("/api/next", "{}")), "the lease moved with the state topic");
                onSecond.call("/api/label", labelCall("e1", "a"));
            }
            List<LabeledExample> labels = f.feedback(1, new ArrayList<>());
            assertEquals(1, labels.size());
            assertEquals("e1", labels.get(0).getId());
        }
    }
}
