package io.triage.training.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file that cannot be used as it is; the message starts with {@code file:line} when one row is at fault. */
public final class DatasetException extends IOException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }

    static DatasetException at(Path file, long line, String problem) {
        return new DatasetException(file + ":" + line + ": " + problem);
    }
}
