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

    @Test
    void aBadPoolingOrThreadCountIsAUsageErrorThatSaysWhatIsAllowed() {
        CliRun pooling = CliRun.triage("bench", "model", "--pooling", "banana");
        assertEquals(2, pooling.exitCode(), pooling.err());
        assertTrue(pooling.err().startsWith("Invalid value for option '--pooling': expected first_token or mean, not "
                + "'banana'"), pooling.err());
        CliRun threads = CliRun.triage("bench", "model", "--cpu-threads", "-1");
        assertEquals(2, threads.exitCode(), threads.err());
        assertTrue(threads.err().startsWith("--cpu-threads must be 0 (all cores) or positive, not -1"), threads.err());
        assertFalse(threads.out().contains("sentences/s"), "nothing was measured: " + threads.out());
    }
}
