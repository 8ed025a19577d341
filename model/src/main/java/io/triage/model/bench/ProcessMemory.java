package io.triage.model.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.util.cuda.CudaUtils;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this process holds: resident memory, the Java heap after a full GC, the NDArrays alive in the PyTorch
 * engine (every manager hangs below its root manager) and, when PyTorch sees a GPU, the GPU memory in use.
 * Sample it while no batch runs, or the batch's temporaries count too.
 */
public final class ProcessMemory implements AutoCloseable {
    /** A manager of our own, only to reach the engine's root manager above it. */
    private final NDManager probe = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    private final boolean gpu = Engine.getEngine("PyTorch").getGpuCount() > 0;

    /**
     * @param heapMb Java heap in use after a full GC
     * @param heapCommittedMb Java heap the JVM holds from the OS (part of the resident memory)
     * @param gpuMb GPU memory in use on the first GPU, by every process (CUDA's free/total), -1 where there is no GPU
     */
    public record Sample(long rssMb, long heapMb, long heapCommittedMb, int liveArrays, long gpuMb) {}

    public Sample sample() throws IOException, InterruptedException {
        System.gc();
        Thread.sleep(200);
        int arrays = probe.getParentManager().getManagedArrays().size();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long gpuUsed = gpu ? CudaUtils.getGpuMemory(Device.gpu()).getUsed() >> 20 : -1;
        return new Sample(residentMb(), heap.getUsed() >> 20, heap.getCommitted() >> 20, arrays, gpuUsed);
    }

    /** This process's resident set size (VmRSS) in MB. */
    public static long residentMb() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024)
                .findFirst().orElseThrow();
    }

    @Override
    public void close() {
        probe.close();
    }
}
