package io.triage.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.schemas.ReviewItem;
import org.apache.kafka.common.KafkaException;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import static io.triage.console.Responses.*;

/**
 * The console's one port: its pages and scripts (from the jar, nothing from elsewhere), its JSON API, and
 * {@code /metrics}, {@code /health} and {@code /ready}. Failed sign-ins are rate-limited per address and name.
 *
 * <p>Safety: pages other than the sign-in page need a session cookie (HttpOnly, SameSite=Strict). Every POST must
 * come from this origin (its {@code Origin} header, when the browser sends one, names this host), and every POST
 * but the sign-in itself must carry the session's CSRF token in {@code X-CSRF-Token}: a header a cross-site form
 * cannot set. The pages put everything from events and reviewers into the document as text, never as HTML, and a
 * Content-Security-Policy allows scripts from this origin only, so even a missed spot could not run inline code.
 */
final class ConsoleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    static final String COOKIE = "triage_console";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final String STATIC = "/io/triage/console/static/";
    private static final Map<String, String> PAGES = Map.of(
            "/login", "login.html", "/review", "review.html", "/models", "models.html", "/live", "live.html");
    private static final Map<String, String> ASSETS = Map.of("/static/console.css", "console.css",
            "/static/api.js", "api.js", "/static/review.js", "review.js", "/static/login.js", "login.js",
            "/static/models.js", "models.js", "/static/live.js", "live.js", "/static/why.js", "why.js");
    /** A version's report: no script may run, and as a sandbox it is of no origin, so it can reach nothing here. */
    private static final String REPORT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";
    private static final String REPORT_PREFIX = "/models/", REPORT_SUFFIX = "/report.html";
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Server server;
    private final ServerConnector connector;
    private final Sessions sessions;
    private final ReviewDesk desk;
    private final ModelsPage models;
    private final LiveStats live;
    private final Explanations explanations;
    private final BooleanSupplier ready;
    private final SignInLimiter signInLimiter;
    private final ConsoleMetrics metrics;

    ConsoleServer(String bindAddress, int port, Sessions sessions, SignInLimiter signInLimiter, ReviewDesk desk,
                  ModelsPage models, LiveStats live, Explanations explanations, BooleanSupplier ready)
            throws IOException {
        this.signInLimiter = signInLimiter;
        this.metrics = new ConsoleMetrics(desk);
        this.live = live;
        this.explanations = explanations;
        this.sessions = sessions;
        this.desk = desk;
        this.models = models;
        this.ready = ready;
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("triage-console");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(8 * 1024);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(bindAddress.strip().equals("0.0.0.0") ? null : bindAddress.strip());
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);
        // blocking handler: an action waits for its Kafka transaction, so it runs on a pool thread
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                secureHeaders(response);
                if (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
                    // a refusal sent before the body is read leaves it on the connection, which Jetty then closes:
                    // say so, or a client sends its next request on it and gets no answer. readBody drops this
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                }
                try {
                    route(request, response, callback);
                } catch (RuntimeException e) {
                    LOG.error("{} {} failed", request.getMethod(), Request.getPathInContext(request), e);
                    text(response, callback, 500, "failed\n");
                }
                return true;
            }
        });
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IOException("the console cannot listen on " + bindAddress + ":" + port + ": " + e, e);
        }
    }

    int port() {
        return connector.getLocalPort();
    }

    private void route(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        boolean get = "GET".equals(method) || "HEAD".equals(method);
        if (get && ASSETS.containsKey(path)) {
            resource(response, callback, ASSETS.get(path));
        } else if (get && path.equals("/health")) {
            text(response, callback, 200, "UP\n");
        } else if (get && path.equals("/metrics")) {
            // unauthenticated, as the other apps': counts only; the NetworkPolicy lets Prometheus in
            send(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (get && path.equals("/ready")) {
            boolean ok = ready.getAsBoolean();
            text(response, callback, ok ? 200 : 503, ok ? "UP\n" : "DOWN\n");
        } else if (get && path.equals("/login")) {
            resource(response, callback, PAGES.get(path));
        } else if ("POST".equals(method) && path.equals("/login")) {
            signIn(request, response, callback);
        } else if (get && (path.equals("/") || PAGES.containsKey(path) || isReport(path))) {
            if (session(request).isEmpty()) {
                redirect(response, callback, "/login");
            } else if (path.equals("/")) {
                redirect(response, callback, "/review");
            } else if (isReport(path)) {
                report(response, callback, path.substring(REPORT_PREFIX.length(), path.length() - REPORT_SUFFIX.length()));
            } else {
                resource(response, callback, PAGES.get(path));
            }
        } else if (path.startsWith("/api/")) {
            api(request, response, callback, path.substring("/api/".length()), method);
        } else {
            text(response, callback, 404, "not found\n");
        }
    }

    private void signIn(Request request, Response response, Callback callback) {
        if (!sameOrigin(request)) {
            text(response, callback, 403, "cross-site sign-in refused\n");
            return;
        }
        readBody(request, response, callback, body -> {
            Map<String, String> form = formFields(body);
            String address = Request.getRemoteAddr(request), name = form.get("name");
            long refusedMs = signInLimiter.refusedForMs(address, name);
            if (refusedMs > 0) {
                metrics.signInFailed(ConsoleMetrics.SignInFailure.LIMITED);
                long seconds = (refusedMs + 999) / 1000;
                response.getHeaders().put(HttpHeader.RETRY_AFTER, seconds);
                text(response, callback, 429, "Too many failed sign-ins from this address or under this name: try "
                        + "again in " + seconds + " s.\n");
                return;
            }
            Optional<String> id = sessions.signIn(name, form.get("token"));
            if (id.isEmpty()) {
                signInLimiter.failed(address, name);
                metrics.signInFailed(ConsoleMetrics.SignInFailure.WRONG);
                redirect(response, callback, "/login?failed");
                return;
            }
            // Secure when the browser came over TLS, here or at a proxy in front: the cookie then never travels in clear
            boolean tls = request.isSecure() || "https".equalsIgnoreCase(request.getHeaders().get("X-Forwarded-Proto"));
            Response.addCookie(response, HttpCookie.build(COOKIE, id.get()).path("/").httpOnly(true).secure(tls)
                    .sameSite(HttpCookie.SameSite.STRICT).build());
            redirect(response, callback, "/review");
        });
    }

    private void api(Request request, Response response, Callback callback, String action, String method) {
        Optional<Sessions.Session> session = session(request);
        if (session.isEmpty()) {
            json(response, callback, 401, error("sign in first"));
            return;
        }
        Sessions.Session s = session.get();
        if ("GET".equals(method)) {
            switch (action) {
                case "session" -> json(response, callback, 200,
                        JSON.createObjectNode().put("reviewer", s.reviewer()).put("csrf", s.csrf()));
                case "counts" -> json(response, callback, 200, counts());
                case "models" -> json(response, callback, 200, models.state());
                case "live" -> json(response, callback, 200, live.snapshot());
                default -> json(response, callback, 404, error("no such call"));
            }
            return;
        }
        if (!"POST".equals(method)) {
            json(response, callback, 405, error("use GET or POST"));
            return;
        }
        if (!sameOrigin(request) || !Sessions.sameToken(s.csrf(), request.getHeaders().get(CSRF_HEADER))) {
            json(response, callback, 403, error("refused: not sent by the console's own page"));
            return;
        }
        readBody(request, response, callback, body -> {
            JsonNode in;
            try {
                in = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (IOException e) {
                json(response, callback, 400, error("the body is not JSON"));
                return;
            }
            try {
                json(response, callback, 200, act(action, s, in == null ? JSON.createObjectNode() : in, request));
            } catch (ReviewDesk.Refused e) {
                json(response, callback, 409, error(e.getMessage()));
            } catch (Explanations.Refused e) {
                if (e.status == 429) {
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, 5);
                }
                json(response, callback, e.status, error(e.getMessage()));
            } catch (IllegalArgumentException e) {
                json(response, callback, 400, error(e.getMessage()));
            } catch (KafkaException e) {
                // nothing changed in memory; e.g. another console with this transactional id has taken over
                LOG.error("{}: writing to Kafka failed", action, e);
                json(response, callback, 503, error("could not write to Kafka, nothing was changed: " + e.getMessage()));
            } catch (IllegalStateException | IOException e) {
                json(response, callback, 502, error(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                json(response, callback, 503, error("stopping"));
            }
        });
    }

    private ObjectNode act(String action, Sessions.Session s, JsonNode in, Request request)
            throws ReviewDesk.Refused, Explanations.Refused, IOException, InterruptedException {
        if (action.equals("explain")) { // a POST, not a GET: the text travels in the body, with the CSRF token
            JsonNode pair = in.get("textPair");
            return explanations.explain(field(in, "version"), field(in, "text"),
                    pair != null && pair.isTextual() ? pair.asText() : null);
        }
        if (action.equals("retrain")) {
            return models.retrain();
        }
        if (action.equals("rollback")) {
            return models.rollback(field(in, "version"));
        }
        ObjectNode out = JSON.createObjectNode();
        switch (action) {
            case "next" -> out.set("item", itemJson(desk.next(s.reviewer()).orElse(null)));
            case "label" -> {
                desk.label(s.reviewer(), field(in, "eventId"), field(in, "label"));
                metrics.labeled();
                out.set("item", itemJson(desk.next(s.reviewer()).orElse(null)));
            }
            case "skip" -> {
                desk.skip(s.reviewer(), field(in, "eventId"));
                out.set("item", itemJson(desk.next(s.reviewer()).orElse(null)));
            }
            case "undo" -> {
                out.set("item", itemJson(desk.undo(s.reviewer())));
                metrics.undone();
            }
            case "logout" -> sessions.signOut(cookie(request).orElse(""));
            default -> throw new IllegalArgumentException("no such call: " + action);
        }
        out.set("counts", counts());
        return out;
    }

    private static boolean isReport(String path) {
        return path.startsWith(REPORT_PREFIX) && path.endsWith(REPORT_SUFFIX)
                && path.length() > REPORT_PREFIX.length() + REPORT_SUFFIX.length();
    }

    private void report(Response response, Callback callback, String version) {
        Optional<byte[]> report;
        try {
            report = models.report(version);
        } catch (IOException e) {
            LOG.warn("the report of version {} cannot be read", version, e);
            report = Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report = Optional.empty();
        }
        if (report.isEmpty()) {
            text(response, callback, 404, "no report for this version here\n");
            return;
        }
        response.getHeaders().put("Content-Security-Policy", REPORT_CSP);
        send(response, callback, 200, "text/html; charset=utf-8", report.get());
    }

    private ObjectNode counts() {
        ReviewQueue.Counts c = desk.counts();
        return JSON.createObjectNode().put("waiting", c.waiting()).put("leased", c.leased()).put("done", c.done());
    }

    /** Labels in a fixed (sorted) order, so that a number key means the same label on every event. */
    private static JsonNode itemJson(ReviewItem item) {
        if (item == null) {
            return JSON.nullNode();
        }
        ObjectNode node = JSON.createObjectNode().put("eventId", item.getEventId()).put("text", item.getText())
                .put("textPair", item.getTextPair()).put("label", item.getLabel()).put("score", item.getScore())
                .put("margin", item.getMargin()).put("modelName", item.getModelName())
                .put("modelVersion", item.getModelVersion()).put("eventTime", item.getEventTime().toString());
        ArrayNode scores = node.putArray("scores");
        new TreeMap<>(item.getScores()).forEach((label, score) ->
                scores.addObject().put("label", label).put("score", score));
        ArrayNode reasons = node.putArray("reasons");
        item.getReasons().forEach(r -> reasons.add(r.name()));
        return node;
    }

    private static String field(JsonNode in, String name) {
        JsonNode v = in.get(name);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("'" + name + "' is missing");
        }
        return v.asText();
    }

    private Optional<Sessions.Session> session(Request request) {
        return cookie(request).flatMap(sessions::find);
    }

    private static Optional<String> cookie(Request request) {
        return Request.getCookies(request).stream().filter(c -> COOKIE.equals(c.getName()))
                .map(HttpCookie::getValue).findFirst();
    }

    /** A browser names the page's origin on every POST; it must be this host. No Origin: not a browser's form. */
    private static boolean sameOrigin(Request request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return !"cross-site".equals(request.getHeaders().get("Sec-Fetch-Site"));
        }
        String host = request.getHeaders().get(HttpHeader.HOST);
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    private static Map<String, String> formFields(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException malformed) {
                    // a broken escape: that field is left out, and the sign-in fails
                }
            }
        }
        return fields;
    }

    private interface BodyHandler {
        void accept(String body);
    }

    /**
     * Reads a body of at most {@link #MAX_BODY_BYTES}, announced by Content-Length (the page's fetch and form posts
     * always send it); a client that stalls is cut off by the idle timeout.
     */
    private static void readBody(Request request, Response response, Callback callback, BodyHandler then) {
        long length = request.getLength();
        if (length < 0) {
            text(response, callback, 411, "a Content-Length is required\n");
            return;
        }
        if (length > MAX_BODY_BYTES) {
            text(response, callback, 413, "body too large\n");
            return;
        }
        String body;
        try {
            body = Content.Source.asString(request, StandardCharsets.UTF_8);
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        response.getHeaders().remove(HttpHeader.CONNECTION); // the body is read: the connection can stay open
        then.accept(body);
    }

    private static void secureHeaders(Response response) {
        response.getHeaders().put("Content-Security-Policy", CSP);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on form posts
        response.getHeaders().put("Referrer-Policy", "same-origin");
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    }

    private static void resource(Response response, Callback callback, String name) {
        byte[] bytes;
        try (InputStream in = ConsoleServer.class.getResourceAsStream(STATIC + name)) {
            if (in == null) {
                text(response, callback, 404, "not found\n");
                return;
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        send(response, callback, 200, type, bytes);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the console's server failed", e);
        }
    }
}
