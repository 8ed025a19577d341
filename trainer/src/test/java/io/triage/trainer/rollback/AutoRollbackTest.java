package io.triage.trainer.rollback;

import io.triage.schemas.ModelUpdate;
import io.triage.schemas.TrainingMode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Which update a rollback publishes again, and when it publishes none. */
class AutoRollbackTest {
    private final List<ModelUpdate> republished = new ArrayList<>();
    private final LiveAccuracy live = new LiveAccuracy(100);
    private final AutoRollback rollback = new AutoRollback(live, new RollbackRule(0.1, 2), previous -> {
        republished.add(previous);
        return previous;
    });

    static ModelUpdate update(String version, String parent) {
        return ModelUpdate.newBuilder().setModelName("triage").setVersion(version).setArtifactUri("file:/m/" + version)
                .setSha256("00").setLabels(List.of("a", "b")).setMetrics(Map.of()).setParentVersion(parent)
                .setTrainingMode(TrainingMode.HEAD).setCreatedAt(Instant.EPOCH).build();
    }

    private void labels(String version, String served, String... truth) {
        for (int i = 0; i < truth.length; i++) {
            String id = version + "-" + i;
            live.served(id, version, served);
            live.labeled(id, truth[i]);
        }
    }

    @Test
    void publishesThePredecessorsUpdateAgainWhenTheServingVersionIsWorse() throws Exception {
        ModelUpdate v1 = update("v1", null);
        List<ModelUpdate> history = List.of(update("v2", "v1"), v1);
        labels("v1", "a", "a", "a");
        labels("v2", "a", "b");
        assertTrue(rollback.check(history).isEmpty(), "one label of v2 is not enough");
        assertTrue(republished.isEmpty());

        labels("v2", "a", "b");
        AutoRollback.Rollback r = rollback.check(history).orElseThrow();
        assertEquals("v2", r.from());
        assertEquals("v1", r.to());
        assertEquals(List.of(v1), republished, "v1's own update, sent again");
    }

    @Test
    void keepsTheServingVersionWhenItIsAsGoodOrHasNoKnownPredecessor() throws Exception {
        labels("v1", "a", "a", "a");
        labels("v2", "a", "a", "a");
        assertTrue(rollback.check(List.of(update("v2", "v1"), update("v1", null))).isEmpty(), "as good");
        assertTrue(rollback.check(List.of(update("v1", null))).isEmpty(), "no predecessor");
        labels("v3", "b", "a", "a");
        assertTrue(rollback.check(List.of(update("v3", "v2"))).isEmpty(), "v2's update is not in the history");
        assertTrue(rollback.check(List.of()).isEmpty());
        assertTrue(republished.isEmpty());
    }
}
