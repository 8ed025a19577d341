package io.triage.trainer.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ModelStorePrunerTest {
    @TempDir
    Path store;

    private Path model() {
        return store.resolve("triage");
    }

    private void versions(int... numbers) throws IOException {
        for (int n : numbers) {
            Path dir = Files.createDirectories(model().resolve("v" + n));
            Files.writeString(dir.resolve("config.json"), "{}");
        }
    }

    private List<String> left() throws IOException {
        try (Stream<Path> entries = Files.list(model())) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void keepsTheNewestAndThePreviousLatestAndNothingButVersionFolders() throws IOException {
        versions(1, 2, 3, 4, 5, 6, 7, 8, 9);
        Path outside = Files.createDirectories(store.resolve("elsewhere"));
        Files.writeString(outside.resolve("keep.txt"), "not the store's");
        Files.createSymbolicLink(model().resolve("v10"), outside);   // a link, even if named like a version
        Files.createSymbolicLink(model().resolve("v0"), outside);
        Files.writeString(model().resolve("v11"), "a file, not a folder");
        Files.createDirectories(model().resolve(".v12.tmp-123"));   // an artifact being written
        Files.createDirectories(model().resolve("backup"));

        List<String> deleted = new ModelStorePruner(model(), 3).prune("v9", "v2");

        assertEquals(List.of("v6", "v5", "v4", "v3", "v1"), deleted);
        assertEquals(List.of(".v12.tmp-123", "backup", "v0", "v10", "v11", "v2", "v7", "v8", "v9"), left());
        assertTrue(Files.exists(outside.resolve("keep.txt")), "a link is never followed");
        assertTrue(Files.isSymbolicLink(model().resolve("v10")));
    }

    @Test
    void neverDeletesTheVersionJustPublishedNorWhenThereIsNothingBeyondTheLimit() throws IOException {
        versions(1, 2, 3, 4, 5);

        assertEquals(List.of("v2", "v1"), new ModelStorePruner(model(), 2).prune("v3", null),
                "v3 was published after a rollback, below newer folders: it stays");
        assertEquals(List.of("v3", "v4", "v5"), left());
        assertEquals(List.of(), new ModelStorePruner(model(), 5).prune("v5", "v4"));
        assertEquals(List.of(), new ModelStorePruner(store.resolve("no-such-model"), 1).prune("v1", null));
        assertThrows(IllegalArgumentException.class, () -> new ModelStorePruner(model(), 0));
    }
}
