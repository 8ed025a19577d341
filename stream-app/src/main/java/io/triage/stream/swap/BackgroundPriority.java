package io.triage.stream.swap;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority of the calling thread, so that loading a model in the background runs on the CPU time
 * that inference leaves over instead of taking it from the batches being served.
 *
 * <p>Why: on a CPU, a forward pass already keeps every core busy (PyTorch intra-op threads). Hashing, reading and
 * warming up a new model at the same priority took about half of those cores for seconds, so batches took about
 * twice as long and results stalled during a swap. At nice 10 the Linux scheduler gives the loader about a tenth
 * of a core that inference also wants (CFS weights 110 against 1024): loading takes longer on a busy machine but
 * still finishes under full load. PyTorch's own worker threads that the loader starts inherit the nice value.
 *
 * <p>Java's {@link Thread#setPriority} does not reach the OS on Linux without extra JVM flags, hence
 * {@code setpriority(2)} through JNA (already on the class path with DJL). On Linux it applies to the calling
 * thread only. Elsewhere, or if it fails, the thread keeps its priority and swaps merely pause serving longer.
 */
public final class BackgroundPriority {
    /** The nice value of model loading: 0 is normal, 19 the lowest. */
    static final int NICE = 10;

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundPriority.class);
    private static final int PRIO_PROCESS = 0;
    private static final int CALLING_THREAD = 0;

    private interface LibC extends Library {
        int setpriority(int which, int who, int prio);
    }

    private BackgroundPriority() {}

    /** @return true when the calling thread now runs at {@link #NICE} */
    public static boolean lowerCurrentThread() {
        if (!Platform.isLinux()) {
            LOG.info("model loading keeps normal CPU priority: lowering a thread's priority is implemented for Linux only");
            return false;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            if (libc.setpriority(PRIO_PROCESS, CALLING_THREAD, NICE) == 0) {
                return true;
            }
            LOG.warn("model loading keeps normal CPU priority: setpriority failed with errno {}", Native.getLastError());
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.warn("model loading keeps normal CPU priority: {}", e.toString());
        }
        return false;
    }
}
