package io.triage.cli.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The demo's whole story on a small corpus in the npm package's layout: real broker, registry, stream app and
 * trainer; v1 from the bootstrap part, v2 from the feedback part, both scored on the held-back part.
 */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void theStoryEndsWithV2ServingEveryStreamedEventOnceAndTheBadRecordsAsDeadLetters() throws Exception {
        Path data = SpamAssassinFixture.write(dir.resolve("package"), SpamAssassinFixture.separable(60, 3));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DemoCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int exit = cli.execute("--data", data.toString(), "--dir", dir.resolve("demo").toString(), "--exit-when-done",
                "--bootstrap-mails", "24", "--stream-mails", "30", "--feedback-mails", "40", "--eval-mails", "20",
                "--rate", "20");

        String output = out.toString();
        assertEquals(0, exit, output + err);
        assertTrue(output.contains("120 e-mails, 60 spam"), output);
        assertTrue(output.contains("review console at http://127.0.0.1:"), output);
        assertTrue(output.contains("a simulated reviewer labels "), output);
        // the sample (a hash of the fixed event ids) always sends some streamed e-mails to review; v2 learns them
        assertTrue(output.contains(" labeled in the review console), hot-swapped"), output);
        assertTrue(output.contains("split         24 bootstrap, 30 stream, 40 feedback, 20 held back"), output);
        assertTrue(output.contains("exactly once  30 results for 30 events, 0 duplicates; 2 dead letters"), output);
        assertTrue(output.contains("held back     20 e-mails never trained on: accuracy v1 "), output);
        assertTrue(output.lines().anyMatch(l -> l.equals("  serving       v2")), output);
        assertTrue(Files.isDirectory(dir.resolve("demo/run/models/triage/v2")), "v2's artifact is in the demo folder");
        assertTrue(Files.size(dir.resolve("demo/run/demo.log")) > 0, "the services logged to the demo's log");
    }
}
