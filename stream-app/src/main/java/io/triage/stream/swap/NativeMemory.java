package io.triage.stream.swap;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands native memory that has been freed back to the OS, after a replaced model is closed.
 *
 * <p>Why: a model's weights are a few hundred native allocations of up to a few MB. glibc serves most of them
 * from its heaps rather than from their own mappings (its mmap threshold rises as large blocks are freed), and
 * keeps freed heap memory for reuse. Resident memory then grew by about 20 MB with each swap on the CPU before it
 * levelled off, hundreds of MB above one model's needs; with {@code malloc_trim(0)} after each swap it stayed
 * flat. The call takes a few milliseconds. Only glibc has it: elsewhere this does nothing.
 */
final class NativeMemory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);
    private static volatile boolean available = Platform.isLinux();

    private interface GlibC extends Library {
        int malloc_trim(long pad);
    }

    private NativeMemory() {}

    /** @return true when glibc was asked to give freed memory back */
    static boolean releaseFreed() {
        if (!available) {
            return false;
        }
        try {
            Native.load("c", GlibC.class).malloc_trim(0);
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            available = false; // not glibc (musl, for example): do not try again
            LOG.info("freed native memory stays with the C allocator: {}", e.toString());
            return false;
        }
    }
}
