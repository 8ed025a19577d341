package io.triage.service;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@link OpsServer#serveFolder}: only plain files inside the folder, reached without a symbolic link. */
class OpsServerFolderTest {
    private static final String PREFIX = "/models/";
    private static final String SECRET = "outside the store";

    @TempDir
    Path dir;
    private Path store;
    private OpsServer server;

    @BeforeEach
    void start() throws IOException {
        store = Files.createDirectories(dir.resolve("store"));
        Files.writeString(Files.createDirectories(store.resolve("triage/v1")).resolve("model.pt"), "weights");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        Files.createSymbolicLink(store.resolve("link.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(store.resolve("linked-folder"), outside);
        Files.createSymbolicLink(store.resolve("triage/v1/inner-link.pt"), store.resolve("triage/v1/model.pt"));
        server = serving(store);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void servesTheFilesInside() throws IOException {
        RawHttp.Answer answer = get("/models/triage/v1/model.pt");
        assertEquals(200, answer.status());
        assertEquals("weights", answer.body());
        assertTrue(answer.hasHeader("Content-Type", "application/octet-stream"), answer.head());

        RawHttp.Answer head = RawHttp.send(server.port(), "HEAD", "/models/triage/v1/model.pt");
        assertEquals(200, head.status());
        assertTrue(head.hasHeader("Content-Length", "7"), head.head());
        assertEquals("", head.body());
    }

    @Test
    void symbolicLinksBelowTheRootAreNotFound() throws IOException {
        for (String path : List.of("/models/link.txt", "/models/linked-folder/secret.txt",
                "/models/triage/v1/inner-link.pt")) {
            RawHttp.Answer answer = get(path);
            assertEquals(404, answer.status(), path);
            assertFalse(answer.body().contains(SECRET), path);
        }
    }

    @Test
    void pathsLeavingTheFolderAreNotFound() throws IOException {
        for (String path : List.of("/models/../outside/secret.txt", "/models/triage/../../outside/secret.txt",
                "/models/triage/../../store/link.txt")) {
            RawHttp.Answer answer = get(path);
            assertEquals(404, answer.status(), path + ": " + answer.head());
            assertFalse(answer.body().contains(SECRET), path);
        }
    }

    /**
     * Jetty refuses URIs that climb above {@code /} or are ambiguous (encoded dots, slashes or backslashes, empty
     * segments) before any handler sees them.
     */
    @Test
    void ambiguousPathsAreBadRequests() throws IOException {
        for (String path : List.of("/models/triage/../../../../../../etc/passwd", "/models/%2e%2e/outside/secret.txt",
                "/models/..%2Foutside%2Fsecret.txt", "/models/" + dir.resolve("outside/secret.txt"),
                "/models/triage/v1/..%5C..%5C..%5Coutside%5Csecret.txt")) {
            RawHttp.Answer answer = get(path);
            assertEquals(400, answer.status(), path + ": " + answer.head());
            assertFalse(answer.body().contains(SECRET), path);
        }
    }

    @Test
    void foldersMissingFilesAndTheRootAreNotFound() throws IOException {
        for (String path : List.of("/models/", "/models/triage/v1", "/models/triage/v1/", "/models/nope.pt")) {
            assertEquals(404, get(path).status(), path);
        }
    }

    @Test
    void onlyGetAndHead() throws IOException {
        RawHttp.Answer answer = RawHttp.send(server.port(), "DELETE", "/models/triage/v1/model.pt");
        assertEquals(405, answer.status());
        assertTrue(answer.hasHeader("Allow", "GET, HEAD"), answer.head());
        assertTrue(Files.exists(store.resolve("triage/v1/model.pt")));
    }

    @Test
    void theRootItselfMayBeALink() throws IOException {
        server.close();
        server = serving(Files.createSymbolicLink(dir.resolve("store-link"), store));
        assertEquals("weights", get("/models/triage/v1/model.pt").body());
        assertEquals(404, get("/models/link.txt").status());
    }

    private OpsServer serving(Path root) throws IOException {
        return new OpsServer("127.0.0.1", 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true,
                () -> true).serveFolder(PREFIX, root);
    }

    private RawHttp.Answer get(String path) throws IOException {
        return RawHttp.send(server.port(), "GET", path);
    }
}
