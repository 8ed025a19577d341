package io.triage.console;

import io.triage.schemas.ModelUpdate;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The console's client of the trainer's ops endpoints: {@code POST /retrain} and {@code POST /rollback} with the
 * trainer's bearer token, and
 * each version's {@code report.html}, read from the trainer's model store (its URL) or, for {@code file:} artifacts,
 * from a folder this console can read (a shared volume, the demo). Nothing else is fetched: a URI elsewhere gets no
 * report.
 */
final class TrainerClient {
    static final String REPORT_FILE = "report.html";
    /** A report with every chart is a few hundred KiB; anything far larger is not one. */
    static final int MAX_REPORT_BYTES = 16 << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String baseUrl;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** @param baseUrl e.g. {@code http://trainer:8080}; empty: no trainer to call */
    TrainerClient(String baseUrl, String token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
    }

    boolean canRetrain() {
        return !baseUrl.isEmpty() && !token.isEmpty();
    }

    /** @return the trainer's answer, e.g. {@code 202 retrain requested} */
    String retrain() throws IOException, InterruptedException {
        return post("/retrain").toString();
    }

    /**
     * Asks the trainer to publish {@code version} again ({@code POST /rollback?version=}); the trainer checks it is a
     * stored, announced version that is not serving.
     *
     * @return the trainer's status and message, e.g. {@code 202 rolled back from v2 to v1; ...}
     */
    TrainerAnswer rollback(String version) throws IOException, InterruptedException {
        return post("/rollback?version=" + URLEncoder.encode(version, StandardCharsets.UTF_8));
    }

    /** A status and the message of the trainer's answer. */
    record TrainerAnswer(int status, String message) {
        boolean accepted() {
            return status / 100 == 2;
        }

        @Override
        public String toString() {
            return status + " " + message;
        }
    }

    private TrainerAnswer post(String pathAndQuery) throws IOException, InterruptedException {
        if (!canRetrain()) {
            throw new IllegalStateException("no trainer configured: set console.trainer.url and console.trainer.token");
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        return new TrainerAnswer(r.statusCode(), r.body().strip());
    }

    /** Whether the trainer answers {@code /ready} with 200; empty when there is no trainer or it cannot be reached. */
    Optional<Boolean> ready() {
        if (baseUrl.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/ready")).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The version's report, when its artifact is in the trainer's store or a readable folder. */
    Optional<byte[]> report(ModelUpdate update) throws IOException, InterruptedException {
        String uri = update.getArtifactUri();
        String folder = uri.endsWith("/") ? uri : uri + "/";
        if (folder.startsWith("file:")) {
            Path file = Path.of(URI.create(folder)).resolve(REPORT_FILE);
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_REPORT_BYTES) {
                return Optional.empty();
            }
            return Optional.of(Files.readAllBytes(file));
        }
        if (baseUrl.isEmpty() || !folder.startsWith(baseUrl + "/")) {
            return Optional.empty();
        }
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(folder + REPORT_FILE)).timeout(TIMEOUT)
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            byte[] bytes = in.readNBytes(MAX_REPORT_BYTES + 1);
            return bytes.length > MAX_REPORT_BYTES ? Optional.empty() : Optional.of(bytes);
        }
    }
}
