package io.triage.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.util.cuda.CudaUtils;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * What this process holds: resident memory, the Java heap after a full GC, the NDArrays alive in the PyTorch
 * engine (every manager hangs below its root manager) and, when PyTorch sees a GPU, the GPU memory in use.
 * Sample it while no batch runs, or the batch's temporaries count too.
 */
final class ProcessMemory implements AutoCloseable {
    /** A manager of our own, only to reach the engine's root manager above it. */
    private final NDManager probe = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    private final boolean gpu = Engine.getEngine("PyTorch").getGpuCount() > 0;

    /**
     * @param heapMb Java heap in use after a full GC
     * @param heapCommittedMb Java heap the JVM holds from the OS (part of the resident memory)
     * @param gpuMb -1 where there is no GPU
     */
    record Sample(long rssMb, long heapMb, long heapCommittedMb, int liveArrays, long gpuMb) {}

    Sample sample() throws IOException, InterruptedException {
        System.gc();
        Thread.sleep(200);
        int arrays = probe.getParentManager().getManagedArrays().size();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long gpuUsed = gpu ? CudaUtils.getGpuMemory(Device.gpu()).getUsed() >> 20 : -1;
        return new Sample(BenchModelCommand.residentMb(), heap.getUsed() >> 20, heap.getCommitted() >> 20, arrays, gpuUsed);
    }

    @Override
    public void close() {
        probe.close();
    }
}
