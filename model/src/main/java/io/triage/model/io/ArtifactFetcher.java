package io.triage.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Brings a model artifact folder to local disk, from allowed locations only ({@link AllowedLocations}): a local path
 * or {@code file:} URI is used where it is; an {@code http(s):} URI is read as a folder of files
 * ({@code <uri>/config.json}, ...), which any static file server or object store serves, and downloaded into a fresh
 * folder under {@code downloadDir}. Downloads follow no redirects and stop at a byte and a time cap. Only folders this
 * fetcher created are ever deleted ({@link FetchedArtifact#close}).
 */
public final class ArtifactFetcher {
    private static final List<String> REQUIRED = List.of(ModelLoader.CONFIG, ModelLoader.TOKENIZER, ModelLoader.WEIGHTS);
    /** Closes downloads that outlive their deadline: a server that trickles bytes cannot hold a fetch forever. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "triage-artifact-deadlines");
        t.setDaemon(true);
        return t;
    });

    private final Path downloadDir;
    private final AllowedLocations allowed;
    private final long maxBytes;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();

    /**
     * @param maxBytes the most one artifact may download, all its files together
     * @param timeout  the most one artifact's download may take
     */
    public ArtifactFetcher(Path downloadDir, AllowedLocations allowed, long maxBytes, Duration timeout) {
        this.downloadDir = downloadDir;
        this.allowed = allowed;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    /** The artifact as a local folder; close it once loaded (deletes a download). */
    public FetchedArtifact fetch(String uri) throws IOException {
        URI parsed = AllowedLocations.parse(uri);
        try {
            return switch (AllowedLocations.scheme(parsed)) {
                case "file" -> new FetchedArtifact(allowed.checkFolder(uri, parsed), false);
                case "http", "https" -> download(allowed.checkUrl(parsed));
                default -> throw new ArtifactRejectedException(ArtifactRejectedException.Why.NOT_ALLOWED,
                        "cannot load artifacts from '" + parsed.getScheme() + ":' URIs; use a path, file: or http(s):");
            };
        } catch (IllegalArgumentException e) { // e.g. a file: URI with a host or a relative path
            throw new ArtifactRejectedException(ArtifactRejectedException.Why.NOT_ALLOWED, "artifact URI '" + uri
                    + "' cannot name a location: " + e.getMessage());
        }
    }

    /**
     * {@link #fetch} and {@link #verify}: a mismatch is an {@link ArtifactRejectedException} and leaves nothing
     * downloaded behind.
     */
    public FetchedArtifact fetchVerified(String uri, String sha256) throws IOException {
        FetchedArtifact fetched = fetch(uri);
        try {
            verify(fetched, uri, sha256);
            return fetched;
        } catch (IOException | RuntimeException e) {
            fetched.close();
            throw e;
        }
    }

    /** Checks that the fetched folder's SHA-256 ({@link ModelArtifact#sha256}) is the announced one. */
    public static void verify(FetchedArtifact fetched, String uri, String sha256) throws IOException {
        String actual = ModelArtifact.sha256(fetched.folder());
        if (!actual.equalsIgnoreCase(sha256)) {
            throw new ArtifactRejectedException(ArtifactRejectedException.Why.HASH_MISMATCH, "artifact " + uri
                    + " has SHA-256 " + actual + ", the update announced " + sha256);
        }
    }

    private FetchedArtifact download(URI root) throws IOException {
        Files.createDirectories(downloadDir);
        Path dir = Files.createTempDirectory(downloadDir, "artifact-");
        FetchedArtifact fetched = new FetchedArtifact(dir, true);
        long deadline = System.nanoTime() + timeout.toNanos();
        long[] budget = {maxBytes};
        try {
            for (String file : REQUIRED) {
                if (!get(root.resolve(file), dir.resolve(file), deadline, budget)) {
                    throw new IOException(root + file + " not found");
                }
            }
            for (String file : ModelArtifact.OPTIONAL_FILES) {
                get(root.resolve(file), dir.resolve(file), deadline, budget); // a 404 is fine
            }
            return fetched;
        } catch (IOException | RuntimeException e) {
            fetched.close();
            throw e;
        }
    }

    /** @return false on 404 */
    private boolean get(URI uri, Path target, long deadline, long[] budget) throws IOException {
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        if (left.isNegative() || left.isZero()) {
            throw new IOException("downloading the artifact took longer than " + timeout);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(left).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                int status = response.statusCode();
                if (status == 404) {
                    return false;
                }
                if (status / 100 == 3) {
                    throw new IOException("GET " + uri + " answered a redirect (HTTP " + status + "); artifacts are "
                            + "fetched from the allowed locations only, without redirects");
                }
                if (status / 100 != 2) {
                    throw new IOException("GET " + uri + " answered HTTP " + status);
                }
                long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > budget[0]) {
                    throw tooLarge();
                }
                copyWithin(body, target, deadline, budget);
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + uri, e);
        }
    }

    private void copyWithin(InputStream body, Path target, long deadline, long[] budget) throws IOException {
        ScheduledFuture<?> guard = DEADLINES.schedule(() -> closeQuietly(body),
                Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = body.read(buffer)) > 0; ) {
                budget[0] -= n;
                if (budget[0] < 0) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            if (System.nanoTime() >= deadline) {
                throw new IOException("downloading the artifact took longer than " + timeout, e);
            }
            throw e;
        } finally {
            guard.cancel(false);
        }
        if (System.nanoTime() >= deadline) {
            throw new IOException("downloading the artifact took longer than " + timeout);
        }
    }

    private IOException tooLarge() {
        return new IOException("the artifact is larger than the " + maxBytes + "-byte download cap");
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the download fails with its own error
        }
    }
}
