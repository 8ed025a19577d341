package io.triage.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Which file of a folder a request path names, if any: only regular files that lie under the folder without a
 * symbolic link on the way (a link below the root could point anywhere on the host). The root itself may be a link.
 */
final class ServedFolder {
    private final Path root;

    ServedFolder(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * @param relative the decoded request path below the folder's URL prefix, e.g. {@code triage/v3/model.pt}
     * @return the file, with its real path; empty for anything that is not a plain file inside the folder
     */
    Optional<Path> find(String relative) {
        if (relative.isEmpty() || relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) {
            return Optional.empty();
        }
        try {
            Path realRoot = root.toRealPath();
            Path file = realRoot.resolve(relative).normalize();
            if (!file.startsWith(realRoot) || file.equals(realRoot)) {
                return Optional.empty();
            }
            // Resolved from the root's real path, the file's real path is the same unless a link lies on the way.
            if (!file.toRealPath().equals(file) || !Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(file);
        } catch (IOException | InvalidPathException e) {
            return Optional.empty(); // missing, unreadable or not a path on this system: all "not found"
        }
    }
}
