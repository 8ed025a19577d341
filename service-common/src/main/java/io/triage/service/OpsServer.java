package io.triage.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operations endpoints of both apps: {@code /metrics} (Prometheus text format), {@code /health} (liveness: 200
 * unless the app has failed for good) and {@code /ready} (200 when the app can do its work: for the stream app, a
 * model is loaded and Kafka Streams is RUNNING), plus the app's own actions ({@link #onPost}).
 */
public final class OpsServer implements AutoCloseable {
    public static final String METRICS_PATH = "/metrics", HEALTH_PATH = "/health", READY_PATH = "/ready";

    private final HttpServer server;

    public OpsServer(int port, PrometheusMeterRegistry metrics, BooleanSupplier live, BooleanSupplier ready)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext(METRICS_PATH, ex -> respond(ex, 200, metrics.scrape(), "text/plain; version=0.0.4"));
        server.createContext(HEALTH_PATH, ex -> status(ex, live.getAsBoolean()));
        server.createContext(READY_PATH, ex -> status(ex, ready.getAsBoolean()));
        server.start();
    }

    /** Runs {@code action} on {@code POST path} and answers 202 with its message; other methods get 405. */
    public OpsServer onPost(String path, Supplier<String> action) {
        server.createContext(path, ex -> {
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "POST");
                respond(ex, 405, "use POST\n", "text/plain");
                return;
            }
            respond(ex, 202, action.get() + "\n", "text/plain");
        });
        return this;
    }

    /**
     * Serves the files under {@code root} read-only at {@code pathPrefix} (e.g. {@code /models/}): how stream apps
     * without a shared volume fetch the trainer's artifacts over {@code http:}. Paths leaving {@code root} get 404.
     */
    public OpsServer serveFolder(String pathPrefix, Path root) {
        Path base = root.toAbsolutePath().normalize();
        server.createContext(pathPrefix, ex -> {
            String relative = ex.getRequestURI().getPath().substring(pathPrefix.length());
            Path file = base.resolve(relative).normalize();
            if (!"GET".equals(ex.getRequestMethod()) || !file.startsWith(base) || !Files.isRegularFile(file)) {
                respond(ex, 404, "not found\n", "text/plain");
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = ex.getResponseBody()) {
                Files.copy(file, out);
            }
        });
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void status(HttpExchange ex, boolean ok) throws IOException {
        respond(ex, ok ? 200 : 503, ok ? "UP\n" : "DOWN\n", "text/plain");
    }

    private static void respond(HttpExchange ex, int code, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
