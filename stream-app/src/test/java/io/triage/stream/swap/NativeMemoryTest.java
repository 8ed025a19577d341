package io.triage.stream.swap;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeMemoryTest {
    private static final int BLOCK = 64 << 10; // below glibc's mmap threshold: served from its heap
    private static final int BLOCKS = 3000;

    @Test
    void memoryFreedInTheMiddleOfTheHeapGoesBackToTheOs() throws Exception {
        assumeTrue(Platform.isLinux() && isGlibc(), "glibc only");
        List<Memory> blocks = new ArrayList<>();
        for (int i = 0; i < BLOCKS; i++) {
            Memory m = new Memory(BLOCK);
            m.clear(); // touch every page
            blocks.add(m);
        }
        for (int i = 0; i < BLOCKS; i++) {
            if (i % 10 != 9) {
                blocks.get(i).close(); // every tenth block stays: the holes cannot simply be cut off the heap's top
            }
        }
        long before = residentKb();
        assertTrue(NativeMemory.releaseFreed());
        long after = residentKb();
        long freedKb = (long) BLOCKS * 9 / 10 * BLOCK / 1024;
        assertTrue(before - after > freedKb / 2, "resident memory fell by " + (before - after) + " kB of " + freedKb
                + " kB freed");
        blocks.forEach(Memory::close);
    }

    private static boolean isGlibc() {
        try {
            NativeLibrary.getInstance("c").getFunction("gnu_get_libc_version");
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static long residentKb() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
    }
}
