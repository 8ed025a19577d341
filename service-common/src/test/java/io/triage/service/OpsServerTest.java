package io.triage.service;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** The probes on a real server and real sockets, also while clients misbehave. */
class OpsServerTest {
    private static final String LOOPBACK = "127.0.0.1";
    private static final int STALLED_DOWNLOADS = 25, STALLED_HEADERS = 25;
    private static final Duration PROBE_LIMIT = Duration.ofSeconds(1);

    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void probesAnswerHealthAndReadinessAndTheMetricsInPrometheusFormat() throws IOException {
        metrics.counter("triage.test.events").increment(3);
        AtomicBoolean ready = new AtomicBoolean(false);
        try (OpsServer server = new OpsServer(LOOPBACK, 0, metrics, () -> true, ready::get)) {
            int port = server.port();
            assertEquals(200, RawHttp.send(port, "GET", OpsServer.HEALTH_PATH).status());
            RawHttp.Answer notReady = RawHttp.send(port, "GET", OpsServer.READY_PATH);
            assertEquals(503, notReady.status());
            assertEquals("DOWN\n", notReady.body());
            ready.set(true);
            assertEquals("UP\n", RawHttp.send(port, "GET", OpsServer.READY_PATH).body());

            RawHttp.Answer scrape = RawHttp.send(port, "GET", OpsServer.METRICS_PATH);
            assertEquals(200, scrape.status());
            assertTrue(scrape.hasHeader("Content-Type", "text/plain; version=0.0.4"), scrape.head());
            assertTrue(scrape.body().contains("triage_test_events_total 3.0"), scrape.body());
            assertEquals(404, RawHttp.send(port, "GET", "/nothing").status());
        }
    }

    @Test
    void aFailedAppIsNotLive() throws IOException {
        try (OpsServer server = new OpsServer(LOOPBACK, 0, metrics, () -> false, () -> false)) {
            assertEquals(503, RawHttp.send(server.port(), "GET", OpsServer.HEALTH_PATH).status());
        }
    }

    /**
     * 25 clients that never read a large download and 25 that stop halfway through their request headers, all
     * connected at once: the probes still answer within a second each. (The JDK server without an executor answered
     * none of them until the stalled clients went away.)
     */
    @Test
    void probesStayFastWhileFiftyClientsStall(@TempDir Path dir) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (RandomAccessFile big = new RandomAccessFile(store.resolve("big.bin").toFile(), "rw")) {
            big.setLength(256L << 20); // sparse: far more than the socket buffers hold
        }
        List<Socket> stalled = new ArrayList<>();
        try (OpsServer server = new OpsServer(LOOPBACK, 0, metrics, () -> true, () -> true)
                .serveFolder("/models/", store)) {
            long stallStart = System.nanoTime();
            for (int i = 0; i < STALLED_DOWNLOADS; i++) {
                Socket s = stalledClient(server.port(), stalled);
                s.getOutputStream().write("GET /models/big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < STALLED_HEADERS; i++) {
                Socket s = stalledClient(server.port(), stalled);
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: local".getBytes(StandardCharsets.US_ASCII));
            }
            Thread.sleep(500); // the server takes them in and fills the downloads' socket buffers

            for (int round = 0; round < 3; round++) {
                for (String path : List.of(OpsServer.HEALTH_PATH, OpsServer.READY_PATH, OpsServer.METRICS_PATH)) {
                    long start = System.nanoTime();
                    int status = RawHttp.send(server.port(), "GET", path).status();
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    assertEquals(200, status, path);
                    assertTrue(took.compareTo(PROBE_LIMIT) < 0, path + " took " + took + " with 50 clients stalled");
                }
            }
            assertTrue(Duration.ofNanos(System.nanoTime() - stallStart).compareTo(OpsServer.IDLE_TIMEOUT) < 0,
                    "the probes ran while the stalled clients were still connected");
            assertTrue(stalled.stream().noneMatch(Socket::isClosed));
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void aClientThatNeverFinishesItsHeadersIsDisconnected() throws IOException {
        try (OpsServer server = new OpsServer(LOOPBACK, 0, metrics, () -> true, () -> true);
             Socket client = RawHttp.connect(server.port())) {
            Duration wait = OpsServer.IDLE_TIMEOUT.plusSeconds(5);
            client.setSoTimeout((int) wait.toMillis());
            client.getOutputStream().write("GET /health HTTP/1.1\r\nHost: loc".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            try {
                InputStream in = client.getInputStream();
                while (in.read() >= 0) {
                    // whatever the server says before it closes (an error answer at most)
                }
            } catch (SocketTimeoutException e) {
                fail("still connected after " + wait);
            } catch (SocketException e) {
                // reset: disconnected all the same
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(OpsServer.IDLE_TIMEOUT.plusSeconds(2)) < 0, "disconnected after " + took);
        }
    }

    @Test
    void headersOverTheCapAreRefused() throws IOException {
        try (OpsServer server = new OpsServer(LOOPBACK, 0, metrics, () -> true, () -> true)) {
            String huge = "X-Filler: " + "a".repeat(OpsServer.MAX_REQUEST_HEADER_BYTES);
            assertEquals(431, RawHttp.send(server.port(), "GET", OpsServer.HEALTH_PATH, huge).status());
        }
    }

    @Test
    void listensOnlyOnTheGivenAddressAndRefusesUnknownOnes() throws IOException {
        try (OpsServer server = new OpsServer(LOOPBACK, 0, metrics, () -> true, () -> true)) {
            assertEquals(200, RawHttp.send(server.port(), "GET", OpsServer.HEALTH_PATH).status());
            Optional<InetAddress> other = otherAddressOfThisHost();
            if (other.isPresent()) { // a machine without a network card has only loopback to try
                try (Socket s = new Socket()) {
                    assertThrows(ConnectException.class,
                            () -> s.connect(new InetSocketAddress(other.get(), server.port()), 2_000),
                            "bound to loopback only, not to " + other.get());
                }
            }
        }
        IOException e = assertThrows(IOException.class,
                () -> new OpsServer("no-such-host.invalid", 0, metrics, () -> true, () -> true));
        assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
    }

    private static Optional<InetAddress> otherAddressOfThisHost() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(OpsServerTest::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
    }

    private static boolean isUp(NetworkInterface n) {
        try {
            return n.isUp();
        } catch (SocketException e) {
            return false;
        }
    }

    /** A loopback client whose small receive buffer lets the server's writes stall soon; closed by the caller. */
    private static Socket stalledClient(int port, List<Socket> opened) throws IOException {
        Socket s = new Socket();
        opened.add(s);
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress(LOOPBACK, port), (int) RawHttp.ANSWER_TIMEOUT.toMillis());
        return s;
    }
}
