package io.triage.trainer.service;

import io.triage.schemas.ModelUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class ModelStoreRecoveryTest {
    @TempDir
    Path store;

    private Path model() {
        return store.resolve("triage");
    }

    private ModelUpdate announced(String version, String uri) {
        return ModelUpdate.newBuilder().setModelName("triage").setVersion(version).setArtifactUri(uri)
                .setSha256("00").setLabels(List.of("a", "b")).setMetrics(Map.of()).setParentVersion(null)
                .setTrainingMode(io.triage.schemas.TrainingMode.HEAD).setCreatedAt(Instant.now()).build();
    }

    @Test
    void deletesUnfinishedArtifactsAndReportsUnannouncedVersionsWithoutTouchingThem() throws IOException {
        for (String v : List.of("v1", "v2", "v3", "v4")) {
            Files.createDirectories(model().resolve(v));
        }
        Files.createDirectories(model().resolve(".v5.tmp-99").resolve("inner"));
        Files.createDirectories(model().resolve("backup"));
        Optional<ModelUpdate> latest = Optional.of(announced("v2", model().resolve("v2").toUri().toString()));

        ModelStoreRecovery.Report report = new ModelStoreRecovery(model()).recover(latest, "");

        assertEquals(List.of(".v5.tmp-99"), report.deletedUnfinished());
        assertEquals(List.of("v3", "v4"), report.unannounced(), "kept: their numbers stay burnt");
        assertEquals(Optional.empty(), report.missingAnnounced());
        for (String v : List.of("v1", "v2", "v3", "v4", "backup")) {
            assertTrue(Files.isDirectory(model().resolve(v)), v);
        }
        assertFalse(Files.exists(model().resolve(".v5.tmp-99")));
    }

    @Test
    void reportsAnAnnouncedVersionMissingFromTheStoreButNotOneServedFromElsewhere() throws IOException {
        Files.createDirectories(model());
        String uri = model().resolve("v7").toUri().toString();
        assertEquals(Optional.of("v7"), new ModelStoreRecovery(model())
                .recover(Optional.of(announced("v7", uri + "/")), "").missingAnnounced());
        assertEquals(Optional.of("v7"), new ModelStoreRecovery(model()).recover(
                Optional.of(announced("v7", "http://trainer:8090/models/triage/v7/")), "http://trainer:8090/models")
                .missingAnnounced());
        assertEquals(Optional.empty(), new ModelStoreRecovery(model()).recover(
                Optional.of(announced("v7", "https://elsewhere/models/v7/")), "").missingAnnounced());
        assertEquals(Optional.empty(), new ModelStoreRecovery(model()).recover(Optional.empty(), "").missingAnnounced());
    }
}
