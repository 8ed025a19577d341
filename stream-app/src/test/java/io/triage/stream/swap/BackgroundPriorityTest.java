package io.triage.stream.swap;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The nice value the kernel reports for the thread, read from /proc (Linux only). */
class BackgroundPriorityTest {

    @Test
    void onlyTheCallingThreadRunsAtTheLowerPriority() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux only");
        int before = niceOfThisThread();
        AtomicInteger lowered = new AtomicInteger(Integer.MIN_VALUE);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread loader = new Thread(() -> {
            try {
                assertTrue(BackgroundPriority.lowerCurrentThread());
                lowered.set(niceOfThisThread());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        loader.start();
        loader.join();
        assertNull(failure.get());
        assertEquals(BackgroundPriority.NICE, lowered.get());
        assertEquals(before, niceOfThisThread(), "the other threads keep their priority");
    }

    private static int niceOfThisThread() throws IOException {
        return nice(Path.of("/proc/thread-self/stat"));
    }

    /** Field 19 of a thread's {@code stat} file; the fields after the command name (in parentheses) start at 3. */
    static int nice(Path stat) throws IOException {
        String line = Files.readString(stat);
        return Integer.parseInt(line.substring(line.lastIndexOf(')') + 2).split(" ")[19 - 3]);
    }
}
