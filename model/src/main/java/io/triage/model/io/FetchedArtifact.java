package io.triage.model.io;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An artifact folder on local disk. Closing it deletes the folder only when the fetcher downloaded it into a folder
 * it created itself; a {@code file:} artifact is used in place and never deleted.
 */
public final class FetchedArtifact implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FetchedArtifact.class);
    private final Path folder;
    private final boolean downloaded;

    FetchedArtifact(Path folder, boolean downloaded) {
        this.folder = folder;
        this.downloaded = downloaded;
    }

    public Path folder() {
        return folder;
    }

    public boolean downloaded() {
        return downloaded;
    }

    /** Deletes a download; a failure to delete is logged, never thrown. */
    @Override
    public void close() {
        if (downloaded) {
            try {
                ModelArtifact.deleteRecursively(folder);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not delete the downloaded artifact {}", folder, e); // a leftover, not a failure
            }
        }
    }
}
