package io.triage.console;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Inet6Address;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Which version each stream-app instance serves, read from the {@code triage_model_serving{model,version}} gauge
 * (1 for the version serving) on each instance's {@code /metrics}. Each configured ops URL's host is resolved to all
 * its addresses, so a headless Service's name stands for every pod behind it. The answers are treated as hostile:
 * bounded in size and time, no redirects, and a version label must be short printable text; whatever goes wrong is
 * that instance's problem, in words, never an exception for the page. Polled on demand, at most every
 * {@code cacheMs}.
 */
public final class StreamAppInstances {
    public static final String SERVING_METRIC = "triage_model_serving";
    static final int MAX_METRICS_BYTES = 8 << 20;
    static final int MAX_INSTANCES = 64;
    static final int MAX_LABEL_CHARS = 128;
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    /**
     * One instance: the address it is reached at ({@code host:port}, the configured host when it does not resolve),
     * the URL asked, and the version it serves or why that is unknown.
     */
    record Instance(String name, String url, String version, String problem) {}

    private record Asked(String name, URI url, CompletableFuture<Instance> answer) {}

    private final List<URI> opsUrls;
    private final String modelName;
    private final long cacheMs;
    private final LongSupplier clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private List<Instance> last = List.of();
    private long polledAt = Long.MIN_VALUE;

    /** @param opsUrls e.g. {@code http://stream-app:8080}; empty: none to ask */
    StreamAppInstances(List<String> opsUrls, String modelName, long cacheMs, LongSupplier clock) {
        List<URI> urls = new ArrayList<>();
        for (String url : opsUrls) {
            URI uri = URI.create(url.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s)://host[:port] URL of a stream app: " + url);
            }
            urls.add(uri);
        }
        this.opsUrls = List.copyOf(urls);
        this.modelName = modelName;
        this.cacheMs = cacheMs;
        this.clock = clock;
    }

    boolean configured() {
        return !opsUrls.isEmpty();
    }

    synchronized List<Instance> instances() {
        long now = clock.getAsLong();
        if (configured() && (polledAt == Long.MIN_VALUE || now - polledAt >= cacheMs)) {
            last = poll();
            polledAt = clock.getAsLong();
        }
        return last;
    }

    private List<Instance> poll() {
        List<Instance> out = new ArrayList<>();
        List<Asked> asked = new ArrayList<>();
        for (URI base : opsUrls) {
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(base.getHost());
            } catch (UnknownHostException e) {
                out.add(new Instance(hostPort(base.getHost(), base), base.toString(), null, "the name does not resolve"));
                continue;
            }
            for (InetAddress address : addresses) {
                if (asked.size() >= MAX_INSTANCES) {
                    out.add(new Instance(hostPort(base.getHost(), base), base.toString(), null,
                            "more than " + MAX_INSTANCES + " instances: the rest are not asked"));
                    break;
                }
                URI url = URI.create(base.getScheme() + "://" + literal(address)
                        + (base.getPort() < 0 ? "" : ":" + base.getPort()) + "/metrics");
                String name = hostPort(literal(address), base); // pods behind one name told apart
                asked.add(new Asked(name, url, ask(name, url)));
            }
        }
        long deadline = System.nanoTime() + 2 * TIMEOUT.toNanos();
        for (Asked a : asked) {
            try {
                out.add(a.answer().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException | ExecutionException e) {
                a.answer().cancel(true);
                out.add(new Instance(a.name(), a.url().toString(), null, "no answer in time"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return List.copyOf(out);
    }

    private CompletableFuture<Instance> ask(String name, URI url) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).handle((response, failure) -> {
            if (failure != null) {
                return new Instance(name, url.toString(), null, "not reachable: " + failure.getClass().getSimpleName());
            }
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    return new Instance(name, url.toString(), null, "answered HTTP " + response.statusCode());
                }
                byte[] bytes = body.readNBytes(MAX_METRICS_BYTES + 1);
                if (bytes.length > MAX_METRICS_BYTES) {
                    return new Instance(name, url.toString(), null, "more than " + (MAX_METRICS_BYTES >> 20)
                            + " MiB of metrics: not read");
                }
                Optional<String> version = servingVersion(new String(bytes, StandardCharsets.UTF_8), modelName);
                return new Instance(name, url.toString(), version.orElse(null),
                        version.isPresent() ? null : "serves no version of " + modelName + " yet");
            } catch (IllegalArgumentException e) {
                return new Instance(name, url.toString(), null, e.getMessage());
            } catch (IOException e) {
                return new Instance(name, url.toString(), null, "reading its metrics failed: " + e.getClass().getSimpleName());
            }
        });
    }

    /** {@code host:port} as the instance is reached, the scheme's port when the URL names none. */
    private static String hostPort(String host, URI base) {
        int port = base.getPort() >= 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
        return host + ":" + port;
    }

    private static String literal(InetAddress address) {
        return address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    }

    /**
     * The version of {@code model} a stream app's metrics say it serves: the {@value #SERVING_METRIC} series of that
     * model at 1. Empty when there is none.
     *
     * @throws IllegalArgumentException when the answer is not one a stream app gives: several versions at 1, or a
     *                                  label that is not short printable text
     */
    public static Optional<String> servingVersion(String scrape, String model) {
        TreeSet<String> serving = new TreeSet<>();
        for (String line : (Iterable<String>) scrape.lines()::iterator) {
            if (!line.startsWith(SERVING_METRIC + "{")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            if (close < 0) {
                throw new IllegalArgumentException("a malformed " + SERVING_METRIC + " line");
            }
            List<String[]> labels = labels(line.substring(SERVING_METRIC.length() + 1, close));
            String value = line.substring(close + 1).strip().split("\\s+")[0];
            if (!value.equals("1") && !value.equals("1.0")) {
                continue;
            }
            String lineModel = null, version = null;
            for (String[] label : labels) {
                if (label[0].equals("model")) {
                    lineModel = label[1];
                } else if (label[0].equals("version")) {
                    version = label[1];
                }
            }
            if (model.equals(lineModel) && version != null) {
                serving.add(version);
            }
        }
        if (serving.size() > 1) {
            throw new IllegalArgumentException("says it serves " + serving.size() + " versions at once");
        }
        return serving.stream().findFirst();
    }

    /** {@code a="x",b="y"} as pairs, with Prometheus' escapes; each value short, printable text. */
    private static List<String[]> labels(String text) {
        List<String[]> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf("=\"", i);
            if (eq < 0) {
                break;
            }
            String name = text.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < text.length() && text.charAt(j) != '"'; j++) {
                char c = text.charAt(j);
                if (c == '\\' && j + 1 < text.length()) {
                    char next = text.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
                if (value.length() > MAX_LABEL_CHARS) {
                    throw new IllegalArgumentException("a label longer than " + MAX_LABEL_CHARS + " characters");
                }
            }
            if (j >= text.length()) {
                throw new IllegalArgumentException("an unterminated label value");
            }
            if (value.codePoints().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("a label with control characters");
            }
            out.add(new String[] {name, value.toString()});
            i = j + 1;
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            }
        }
        return out;
    }
}
