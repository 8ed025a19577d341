package io.triage.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TriageCliTest {
    @Test
    void aMissingModelFolderIsOneLineNamingTheCommandNotAStackTrace(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-model");
        CliRun run = CliRun.triage("classify", "--model", missing.toString(), "some text");
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("triage classify: ") && run.err().contains(missing.toString()), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }
}
