package io.triage.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.triage.model.infer.CpuThreads;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CpuThreadsTest {

    @Test
    void zeroMeansEveryCore() {
        assertEquals(Runtime.getRuntime().availableProcessors(), CpuThreads.resolve(0));
        assertEquals(3, CpuThreads.resolve(3));
        assertThrows(IllegalArgumentException.class, () -> CpuThreads.resolve(-1));
    }

    @Test
    void theSettingReachesPyTorchOnTheCallingThread() throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            int seen = CompletableFuture.supplyAsync(() -> {
                Engine.getEngine("PyTorch"); // loads the native library
                int before = JniUtils.getNumThreads();
                CpuThreads.useOnThisThread(1);
                int after = JniUtils.getNumThreads();
                CpuThreads.useOnThisThread(before); // MKL keeps it process-wide: leave the other tests as they were
                return after;
            }, thread).get();
            assertEquals(1, seen);
        } finally {
            thread.shutdown();
        }
    }
}
