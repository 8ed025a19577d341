package io.triage.model.infer;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * How many cores one forward pass spreads over on the CPU (PyTorch's intra-op threads).
 *
 * <p>Why not all of them by default: PyTorch's OpenMP threads meet at a barrier after every operator, so when
 * another thread of the service (Kafka clients, the JIT, the garbage collector) takes one of their cores, the
 * whole pass waits for it. Measured with {@code bench stream} on 2 cores, one thread gave the same end-to-end
 * throughput as two and a third of the latency at 50% load. A core left to the rest of the service avoids that.
 */
public final class CpuThreads {
    private CpuThreads() {}

    /** {@code requested}, or when it is 0 all cores but one (at least one). */
    public static int resolve(int requested) {
        if (requested < 0) {
            throw new IllegalArgumentException("threads must be 0 (auto) or positive, not " + requested);
        }
        return requested > 0 ? requested : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /**
     * Sets the intra-op threads for forward passes run from the calling thread (OpenMP keeps the setting per
     * thread: call it on the thread that runs the model).
     */
    public static void useOnThisThread(int threads) {
        Engine.getEngine("PyTorch"); // loads the native library before its first call
        JniUtils.setNumThreads(threads);
    }
}
