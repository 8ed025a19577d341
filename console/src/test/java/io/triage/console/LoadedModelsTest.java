package io.triage.console;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/** The explanations' model cache: bounded, least recently used closed before another is loaded, failures leave nothing. */
class LoadedModelsTest {
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** Stands for a loaded model: its close is what frees native memory. */
    private final class Model implements AutoCloseable {
        final String version;

        Model(String version) {
            this.version = version;
            events.add("load " + version);
        }

        @Override
        public void close() {
            events.add("close " + version);
        }
    }

    @Test
    void oneModelKeptTheOldOneClosedBeforeTheNextLoads() throws Exception {
        try (LoadedModels<Model> models = new LoadedModels<>(1, Model::new)) {
            Model v1 = models.get("v1");
            assertSame(v1, models.get("v1"), "kept: loaded once");
            models.get("v2");
            assertEquals(List.of("load v1", "close v1", "load v2"), events, "never two in memory");
            assertEquals(List.of("v2"), models.versions());
        }
        assertEquals("close v2", events.get(events.size() - 1), "closing closes what is loaded");
    }

    @Test
    void twoModelsKeptTheLeastRecentlyUsedGoesFirst() throws Exception {
        LoadedModels<Model> models = new LoadedModels<>(2, Model::new);
        models.get("v1");
        models.get("v2");
        models.get("v1"); // v2 is now the least recently used
        models.get("v3");
        assertEquals(List.of("load v1", "load v2", "close v2", "load v3"), events);
        assertEquals(List.of("v1", "v3"), models.versions());
        models.close();
        assertTrue(events.containsAll(List.of("close v1", "close v3")));
        assertThrows(IllegalStateException.class, () -> models.get("v1"), "closed");
    }

    @Test
    void aFailedLoadLeavesNothingAndTheNextTryLoadsAgain() throws Exception {
        int[] tries = {0};
        try (LoadedModels<Model> models = new LoadedModels<>(1, version -> {
            if (tries[0]++ == 0) {
                throw new IOException("model folder has no model.safetensors");
            }
            return new Model(version);
        })) {
            assertThrows(IOException.class, () -> models.get("v1"));
            assertEquals(List.of(), models.versions());
            assertEquals("v1", models.get("v1").version);
        }
    }

    @Test
    void atMostTwoModels() {
        assertThrows(IllegalArgumentException.class, () -> new LoadedModels<Model>(0, Model::new));
        assertThrows(IllegalArgumentException.class, () -> new LoadedModels<Model>(3, Model::new));
    }
}
