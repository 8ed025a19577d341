package io.triage.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's files, from the root the build passes in ({@code triage.repo.root}). */
final class Repo {
    private Repo() {}

    static Path root() {
        String root = System.getProperty("triage.repo.root");
        if (root == null) {
            throw new IllegalStateException("system property triage.repo.root is not set: run the tests through Maven "
                    + "(deploy/pom.xml sets it)");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    static Path path(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing file " + relative + " (looked in " + root() + ")");
        }
        return p;
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
