package io.triage.model.infer;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * How many cores one forward pass spreads over on the CPU (PyTorch's intra-op threads).
 *
 * <p>The trade-off: PyTorch's OpenMP threads meet at a barrier after every operator, so when another thread of
 * the service (Kafka clients, the JIT, the garbage collector) takes one of their cores, the whole pass waits for
 * it; leaving a core free avoids that, but caps the model at the cores it keeps. Measured with
 * {@code bench stream} on 2 cores, all cores (the default) gave the model more CPU and the higher throughput;
 * one thread gave lower latency at 50% load in most runs, not all.
 */
public final class CpuThreads {
    private CpuThreads() {}

    /** {@code requested}, or when it is 0 every core this process may use. */
    public static int resolve(int requested) {
        if (requested < 0) {
            throw new IllegalArgumentException("threads must be 0 (all cores) or positive, not " + requested);
        }
        return requested > 0 ? requested : Runtime.getRuntime().availableProcessors();
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
