package io.triage.model.explain;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch on one intra-op thread for the calling thread until closed, then the caller's setting again.
 *
 * <p>Why: PyTorch's OpenMP threads meet at a barrier after every operator, and on busy cores the thread that
 * finishes first spins until the other is scheduled again. Explanations are thousands of small operators off the
 * inference path; on the shared 2-core machine one thread made them 3 to 20 times faster
 * ({@code IntegratedGradientsBench}, docs/console.md).
 */
final class OneIntraOpThread implements AutoCloseable {
    private final int previous;

    OneIntraOpThread() {
        previous = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @Override
    public void close() {
        JniUtils.setNumThreads(previous);
    }
}
