package io.triage.service;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operations endpoints of both apps: {@code /metrics} (Prometheus text format), {@code /health} (liveness: 200
 * unless the app has failed for good) and {@code /ready} (200 when the app can do its work: for the stream app, a
 * model is loaded and Kafka Streams is RUNNING), plus the app's own actions ({@link #onPost}) and read-only folders
 * ({@link #serveFolder}).
 *
 * <p>Kubernetes restarts a pod whose {@code /health} does not answer, so no client may be able to hold the probes up.
 * Hence Jetty rather than the JDK's {@code HttpServer}: Jetty reads and writes without blocking, so a client that
 * stops reading a download or never finishes its request holds a connection but no thread, and its timeouts and
 * size limits are per connector. The JDK server reads each request on a worker thread and has only JVM-wide timeout
 * properties, off by default. Here a connection on which no byte moves either way for {@link #IDLE_TIMEOUT} is
 * closed, request headers are capped at {@link #MAX_REQUEST_HEADER_BYTES} (431 above), action bodies at
 * {@link #MAX_BODY_BYTES} (413 above), and the handlers run on a small bounded pool that nothing waits on a client
 * in: downloads and bodies are copied asynchronously.
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    public static final String METRICS_PATH = "/metrics", HEALTH_PATH = "/health", READY_PATH = "/ready";
    /** A connection on which nothing moves for this long (unfinished headers, a download nobody reads) is closed. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
    public static final int MAX_REQUEST_HEADER_BYTES = 8 * 1024;
    /** The actions take no body (input comes in the query string): a body is tolerated up to this size, and refused with 413 above it. */
    public static final int MAX_BODY_BYTES = 1024;
    /** Handler threads plus the acceptor and selector; none of them waits on a client, so the queue drains. */
    private static final int MAX_THREADS = 8;
    private static final int FILE_BUFFER_BYTES = 64 * 1024;
    private static final String TEXT = "text/plain; charset=utf-8";

    private final Server server;
    private final ServerConnector connector;
    /** Exact paths, e.g. {@code /health}. */
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    /** URL prefixes ending in {@code /}, e.g. {@code /models/}. */
    private final Map<String, ServedFolder> folders = new ConcurrentHashMap<>();

    /** What answers one path; it must complete {@code callback} and never wait on the client. */
    @FunctionalInterface
    private interface Route {
        void handle(Request request, Response response, Callback callback) throws Exception;
    }

    /**
     * @param bindAddress the interface to listen on; {@code 0.0.0.0} or {@code ::}: all of them
     * @param port        0: any free port (see {@link #port()})
     */
    public OpsServer(String bindAddress, int port, PrometheusMeterRegistry metrics, BooleanSupplier live,
                     BooleanSupplier ready) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("triage-ops");
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        server = new Server(threads, new ScheduledExecutorScheduler("triage-ops-timer", true), null);

        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
        http.setSendServerVersion(false);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(wildcardAsNull(bindAddress));
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);
        server.setHandler(new Router());
        server.setStopTimeout(0); // stop at once: a graceful stop would wait for the stalled clients

        routes.put(METRICS_PATH, (request, response, callback) ->
                respond(response, callback, 200, metrics.scrape(), "text/plain; version=0.0.4"));
        routes.put(HEALTH_PATH, (request, response, callback) -> status(response, callback, live.getAsBoolean()));
        routes.put(READY_PATH, (request, response, callback) -> status(response, callback, ready.getAsBoolean()));
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IOException("the ops endpoints cannot listen on " + bindAddress + ":" + port + ": " + e, e);
        }
    }

    /**
     * Runs {@code action} on {@code POST path} with {@code Authorization: Bearer <token>} and answers 202 with its
     * message. A missing or wrong token, or any request while the token is disabled, gets 401; other methods 405; a
     * body over {@link #MAX_BODY_BYTES} 413.
     */
    public OpsServer onPost(String path, BearerToken token, Supplier<String> action) {
        return onPostWithQuery(path, token, query -> new Answer(202, action.get()));
    }

    /** What an action answers: its HTTP status and a one-line message. */
    public record Answer(int status, String message) {}

    /**
     * Like {@link #onPost}, for an action that takes its input from the query string (e.g. {@code ?version=v1}) and
     * answers with a status of its own (a 4xx for input it refuses). The parameters are hostile: a query that is not
     * valid percent-encoding gets 400 before the action runs.
     */
    public OpsServer onPostWithQuery(String path, BearerToken token, Function<Map<String, String>, Answer> action) {
        routes.put(path, (request, response, callback) -> post(request, response, callback, token, action));
        return this;
    }

    /**
     * Serves the files under {@code root} read-only (GET and HEAD) at {@code pathPrefix} (e.g. {@code /models/}): how
     * stream apps without a shared volume fetch the trainer's artifacts over {@code http:}. Paths leaving
     * {@code root}, symbolic links below it, folders and missing files get 404.
     */
    public OpsServer serveFolder(String pathPrefix, Path root) {
        if (!pathPrefix.startsWith("/") || !pathPrefix.endsWith("/")) {
            throw new IllegalArgumentException("a folder's URL prefix starts and ends with /: " + pathPrefix);
        }
        folders.put(pathPrefix, new ServedFolder(root));
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the ops endpoints failed", e);
        }
    }

    private final class Router extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            Route route = routes.get(path);
            if (route != null) {
                route.handle(request, response, callback);
                return true;
            }
            for (Map.Entry<String, ServedFolder> folder : folders.entrySet()) {
                if (path.startsWith(folder.getKey())) {
                    serveFile(request, response, callback, folder.getValue(), path.substring(folder.getKey().length()));
                    return true;
                }
            }
            notFound(response, callback);
            return true;
        }
    }

    private void post(Request request, Response response, Callback callback, BearerToken token,
                      Function<Map<String, String>, Answer> action) {
        if (!"POST".equals(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            respond(response, callback, 405, "use POST\n", TEXT);
            return;
        }
        // Before anything of the body is read: an unauthenticated client gets no further.
        if (!token.admits(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            respond(response, callback, 401, token.isEnabled() ? "a valid bearer token is required\n"
                    : "disabled: no token is configured\n", TEXT);
            return;
        }
        if (request.getLength() > MAX_BODY_BYTES) {
            tooLarge(response, callback);
            return;
        }
        // A chunked body has no announced length: count it as it comes, without waiting on the client.
        skipBody(request, 0, () -> {
            Map<String, String> query = new java.util.HashMap<>();
            try {
                for (Fields.Field field : Request.extractQueryParameters(request)) {
                    query.putIfAbsent(field.getName(), field.getValue()); // a repeated name: its first value
                }
            } catch (RuntimeException e) {
                respond(response, callback, 400, "the query string is not valid\n", TEXT);
                return;
            }
            Answer answer;
            try {
                answer = action.apply(query);
            } catch (RuntimeException e) {
                LOG.error("{} failed", Request.getPathInContext(request), e);
                respond(response, callback, 500, "failed\n", TEXT);
                return;
            }
            respond(response, callback, answer.status(), answer.message() + "\n", TEXT);
        }, () -> tooLarge(response, callback), callback::failed);
    }

    /**
     * Reads and drops the request body; {@code done} once it ended within {@link #MAX_BODY_BYTES}, else
     * {@code tooLarge} as soon as it passes them, or {@code failed} (the client went away). Returns while the
     * client has sent nothing more: Jetty calls back when it does.
     */
    private static void skipBody(Request request, long seen, Runnable done, Runnable tooLarge,
                                 Consumer<Throwable> failed) {
        long total = seen;
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                long sofar = total;
                request.demand(() -> skipBody(request, sofar, done, tooLarge, failed));
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                failed.accept(chunk.getFailure());
                return;
            }
            total += chunk.remaining();
            boolean last = chunk.isLast();
            chunk.release();
            if (total > MAX_BODY_BYTES) {
                tooLarge.run();
                return;
            }
            if (last) {
                done.run();
                return;
            }
        }
    }

    private static void serveFile(Request request, Response response, Callback callback, ServedFolder folder,
                                  String relative) throws IOException {
        boolean head = "HEAD".equals(request.getMethod());
        if (!head && !"GET".equals(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            respond(response, callback, 405, "use GET\n", TEXT);
            return;
        }
        Optional<Path> file = folder.find(relative);
        SeekableByteChannel channel;
        try {
            // NOFOLLOW_LINKS: the file cannot have been swapped for a link since it was checked
            channel = file.isPresent()
                    ? Files.newByteChannel(file.get(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS) : null;
        } catch (IOException e) {
            channel = null;
        }
        if (channel == null) {
            notFound(response, callback);
            return;
        }
        long size = channel.size();
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, size);
        if (head) {
            channel.close();
            callback.succeeded();
            return;
        }
        // Asynchronous: while the client does not read, no thread waits; the idle timeout ends a stalled download.
        ByteBufferPool.Sized buffers = new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), false,
                FILE_BUFFER_BYTES);
        Content.copy(Content.Source.from(buffers, channel, 0, size), response, callback);
    }

    private static void status(Response response, Callback callback, boolean ok) {
        respond(response, callback, ok ? 200 : 503, ok ? "UP\n" : "DOWN\n", TEXT);
    }

    private static void notFound(Response response, Callback callback) {
        respond(response, callback, 404, "not found\n", TEXT);
    }

    private static void tooLarge(Response response, Callback callback) {
        respond(response, callback, 413, "this endpoint takes no body over " + MAX_BODY_BYTES + " bytes\n", TEXT);
    }

    private static void respond(Response response, Callback callback, int code, String body, String type) {
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.getBytes(StandardCharsets.UTF_8).length);
        Content.Sink.write(response, true, body, callback);
    }

    /** Jetty listens on every interface, IPv4 and IPv6, when it is given no host. */
    private static String wildcardAsNull(String bindAddress) throws IOException {
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("no bind address given for the ops endpoints");
        }
        try {
            return InetAddress.getByName(bindAddress.strip()).isAnyLocalAddress() ? null : bindAddress.strip();
        } catch (UnknownHostException e) {
            throw new IOException("the ops endpoints' bind address is not an address of this host: " + bindAddress, e);
        }
    }
}
