package io.triage.console;

import com.sun.net.httpserver.HttpServer;
import io.triage.service.OpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** Which version each instance serves, asked of real HTTP servers, hostile ones included. */
class StreamAppInstancesTest {
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void readsTheServingVersionOfARealOpsServer() throws Exception {
        try (OpsServer app = ConsoleFixture.servingStreamApp("triage", "7")) {
            StreamAppInstances.Instance i = only("http://127.0.0.1:" + app.port());
            assertEquals("7", i.version());
            assertNull(i.problem());
            assertEquals("127.0.0.1:" + app.port(), i.name(), "named by the address it is reached at");
            assertEquals("http://127.0.0.1:" + app.port() + "/metrics", i.url());
        }
    }

    @Test
    void turnsEveryHostileOrBrokenAnswerIntoAProblemInWords() throws Exception {
        assertEquals("<script>alert(1)</script>", only(serving(200,
                "triage_model_serving{model=\"triage\",version=\"<script>alert(1)</script>\"} 1.0\n")).version(),
                "printable text is a version: the page shows it as text");
        assertProblem("says it serves 2 versions at once", serving(200,
                "triage_model_serving{model=\"triage\",version=\"1\"} 1\ntriage_model_serving{model=\"triage\",version=\"2\"} 1\n"));
        assertProblem("a label longer than 128 characters", serving(200,
                "triage_model_serving{model=\"triage\",version=\"" + "9".repeat(100_000) + "\"} 1\n"));
        assertProblem("a label with control characters", serving(200,
                "triage_model_serving{model=\"triage\",version=\"v\\n2\"} 1\n"));
        assertProblem("an unterminated label value", serving(200, "triage_model_serving{model=\"triage\",version=\"2} 1\n"));
        assertProblem("serves no version of triage yet", serving(200, "\u0000\u00ff garbage\n"));
        assertProblem("answered HTTP 500", serving(500, "boom"));
        assertProblem("more than 8 MiB of metrics: not read", serving(200, "#".repeat(StreamAppInstances.MAX_METRICS_BYTES + 1)));
        HttpServer redirect = server(exchange -> {
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/");
            exchange.sendResponseHeaders(302, -1);
        });
        assertProblem("answered HTTP 302", url(redirect));
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertTrue(only("http://127.0.0.1:" + closed).problem().startsWith("not reachable: "));
        assertProblem("the name does not resolve", "http://no-such-host.invalid:8080");
    }

    @Test
    void aSilentInstanceCostsAtMostTheTimeout() throws Exception {
        HttpServer silent = server(exchange -> {
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long start = System.nanoTime();
        StreamAppInstances.Instance i = only(url(silent));
        assertTrue(i.problem().startsWith("not reachable: ") || i.problem().equals("no answer in time"), i.problem());
        assertTrue(System.nanoTime() - start < 7_000_000_000L, "bounded by the timeouts");
    }

    @Test
    void refusesAUrlThatIsNotAnHttpHost() {
        assertThrows(IllegalArgumentException.class, () -> instances("file:///etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> instances("stream-app:8080"));
    }

    @Test
    void parsesThePrometheusLabelsOfTheServingGaugeOnly() {
        String scrape = """
                # HELP triage_model_serving 1 for the model version now serving
                triage_model_serving{model="triage",version="1"} 0.0
                triage_model_serving{model="other",version="9"} 1.0
                triage_model_serving{version="a\\"b",model="triage"} 1.0
                triage_model_serving_total{model="triage",version="x"} 1.0
                """;
        assertEquals(Optional.of("a\"b"), StreamAppInstances.servingVersion(scrape, "triage"));
        assertEquals(Optional.empty(), StreamAppInstances.servingVersion(scrape, "nobody"));
    }

    private void assertProblem(String problem, String url) {
        StreamAppInstances.Instance i = only(url);
        assertNull(i.version());
        assertEquals(problem, i.problem());
    }

    private static StreamAppInstances instances(String url) {
        return new StreamAppInstances(List.of(url), "triage", 0, System::currentTimeMillis);
    }

    private static StreamAppInstances.Instance only(String url) {
        List<StreamAppInstances.Instance> all = instances(url).instances();
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    private String serving(int status, String body) {
        HttpServer server = ConsoleFixture.httpServer(status, body);
        servers.add(server);
        return url(server);
    }

    private HttpServer server(com.sun.net.httpserver.HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        servers.add(server);
        return server;
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
