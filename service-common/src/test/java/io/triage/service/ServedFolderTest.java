package io.triage.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** Which request paths name a file of the folder, whatever the HTTP server let through. */
class ServedFolderTest {
    @TempDir
    Path dir;

    @Test
    void onlyPlainFilesInsideWithoutALinkOnTheWay() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path file = Files.writeString(Files.createDirectories(root.resolve("m/v1")).resolve("a.bin"), "a");
        Path outside = Files.writeString(dir.resolve("secret"), "s");
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.createSymbolicLink(root.resolve("m/dirlink"), root.resolve("m/v1"));
        Files.createSymbolicLink(root.resolve("loop"), root.resolve("loop"));
        ServedFolder folder = new ServedFolder(root);

        assertEquals(Optional.of(file.toRealPath()), folder.find("m/v1/a.bin"));
        assertEquals(Optional.of(file.toRealPath()), folder.find("m/./v1/../v1/a.bin"), "inside all the way");
        for (String path : List.of("", "m", "m/v1", "m/v1/", "nope", "link", "m/dirlink/a.bin", "loop",
                "../secret", "m/../../secret", outside.toString(), "m\\..\\..\\secret", "m/v1/a.bin\0.txt",
                "..", ".", "/")) {
            assertEquals(Optional.empty(), folder.find(path), path);
        }
    }

    @Test
    void aMissingRootServesNothing() {
        assertEquals(Optional.empty(), new ServedFolder(dir.resolve("absent")).find("a"));
    }
}
