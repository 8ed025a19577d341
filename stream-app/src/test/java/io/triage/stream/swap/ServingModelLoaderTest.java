package io.triage.stream.swap;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.triage.model.io.AllowedLocations;
import io.triage.model.io.ArtifactFetcher;
import io.triage.model.text.TextInput;
import io.triage.schemas.ModelUpdate;
import io.triage.stream.batch.InferenceWorker;
import io.triage.stream.batch.ServingModels;
import io.triage.stream.config.StreamAppSettings;
import io.triage.stream.ops.StreamMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.triage.stream.config.StreamAppSettings.MODEL_CPU_THREADS;
import static io.triage.stream.config.StreamAppSettings.MODEL_DEVICE;
import static io.triage.stream.config.StreamAppSettings.MODEL_ENGINE;
import static io.triage.stream.config.StreamAppSettings.MODEL_PRECISION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A model swapped in by the follower, which runs at a lower CPU priority, serves on threads at normal priority: the
 * native threads it starts (ONNX Runtime's pool, the sub-batch helpers) inherit the nice value of their creator.
 */
class ServingModelLoaderTest {

    @TempDir
    Path models;

    @Test
    void aModelSwappedInFromTheLowPriorityFollowerServesOnNormalPriorityThreads() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux only");
        ModelUpdate v1 = ModelSwapperTest.save(models, "v1");
        // two CPU threads: a batch of one uses ONNX Runtime's pool, a larger batch the sub-batch helpers
        ServingModels onCpu = ServingModels.from(StreamAppSettings.of(Map.of(MODEL_DEVICE, "cpu",
                MODEL_ENGINE, "onnxruntime", MODEL_PRECISION, "fp32", MODEL_CPU_THREADS, "2")));
        Map<String, Integer> started = new HashMap<>();
        try (InferenceWorker worker = InferenceWorker.start(null)) {
            ModelSwapper swapper = new ModelSwapper(worker, onCpu,
                    new ArtifactFetcher(models.resolve("downloads"), new AllowedLocations(List.of(models.toString())),
                            Long.MAX_VALUE, Duration.ofMinutes(1)), new StreamMetrics(new SimpleMeterRegistry()),
                    ModelSwapperTest.LABELS);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread follower = new Thread(() -> {
                try {
                    assumeTrue(BackgroundPriority.lowerCurrentThread(), "cannot lower a thread's priority here");
                    Set<String> before = threadIds();
                    swapper.apply(v1);
                    worker.submit(List.of(TextInput.of("one"))).get();
                    worker.submit(List.of(TextInput.of("one"), TextInput.of("two texts"), TextInput.of("three"))).get();
                    for (String tid : threadIds()) {
                        if (!before.contains(tid)) {
                            started.put(name(tid) + " (" + tid + ")", nice(tid));
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "test-follower");
            follower.start();
            follower.join();
            assertNull(failure.get());
        }
        assertFalse(started.isEmpty(), "loading and serving the model started native threads");
        Map<String, Integer> lowered = started.entrySet().stream().filter(e -> e.getValue() != 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(Map.of(), lowered, "threads started for the serving model, by name, at a nice value other than 0"
                + " (all started: " + started + ")");
    }

    private static Set<String> threadIds() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static String name(String tid) throws IOException {
        return Files.readString(Path.of("/proc/self/task", tid, "comm")).strip();
    }

    private static int nice(String tid) throws IOException {
        return BackgroundPriorityTest.nice(Path.of("/proc/self/task", tid, "stat"));
    }
}
