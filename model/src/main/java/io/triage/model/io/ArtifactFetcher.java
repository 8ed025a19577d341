package io.triage.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * Brings a model artifact folder to local disk: a local path or {@code file:} URI is used where it is; an
 * {@code http(s):} URI is read as a folder of files ({@code <uri>/config.json}, ...), which any static file
 * server or object store serves, and downloaded into a fresh folder under {@code downloadDir}.
 */
public final class ArtifactFetcher {
    private static final List<String> REQUIRED = List.of(ModelLoader.CONFIG, ModelLoader.TOKENIZER, ModelLoader.WEIGHTS);

    private final Path downloadDir;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();

    public ArtifactFetcher(Path downloadDir) {
        this.downloadDir = downloadDir;
    }

    /** The artifact as a local folder; a download is the caller's to delete once loaded. */
    public Path fetch(String uri) throws IOException {
        URI parsed = URI.create(uri);
        String scheme = parsed.getScheme() == null ? "file" : parsed.getScheme().toLowerCase();
        return switch (scheme) {
            case "file" -> {
                Path dir = parsed.getScheme() == null ? Path.of(uri) : Path.of(parsed);
                if (!Files.isDirectory(dir)) {
                    throw new IOException("artifact folder " + dir + " does not exist");
                }
                yield dir;
            }
            case "http", "https" -> download(parsed);
            default -> throw new IOException("cannot load artifacts from '" + scheme + ":' URIs; use a path, file: or http(s):");
        };
    }

    /** True when {@code folder} is a download of this fetcher (and so may be deleted). */
    public boolean isDownload(Path folder) {
        return folder.toAbsolutePath().startsWith(downloadDir.toAbsolutePath());
    }

    private Path download(URI base) throws IOException {
        Files.createDirectories(downloadDir);
        Path dir = Files.createTempDirectory(downloadDir, "artifact-");
        String root = base.toString().endsWith("/") ? base.toString() : base + "/";
        try {
            for (String file : REQUIRED) {
                if (!get(URI.create(root + file), dir.resolve(file))) {
                    throw new IOException(root + file + " not found");
                }
            }
            for (String file : ModelArtifact.OPTIONAL_FILES) {
                get(URI.create(root + file), dir.resolve(file)); // a 404 is fine
            }
            return dir;
        } catch (IOException | RuntimeException e) {
            ModelArtifact.deleteRecursively(dir);
            throw e;
        }
    }

    /** @return false on 404 */
    private boolean get(URI uri, Path target) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() == 404) {
                    return false;
                }
                if (response.statusCode() / 100 != 2) {
                    throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
                }
                Files.copy(body, target, StandardCopyOption.REPLACE_EXISTING);
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + uri, e);
        }
    }
}
