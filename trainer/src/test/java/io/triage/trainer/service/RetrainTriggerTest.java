package io.triage.trainer.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class RetrainTriggerTest {
    @TempDir
    Path dir;

    @Test
    void enoughNewExamplesStartARun() throws IOException {
        RetrainTrigger trigger = RetrainTrigger.load(dir, 100, 0, 0);

        assertEquals(Optional.empty(), trigger.due(99, 1_000));
        assertEquals(Optional.of("100 new examples"), trigger.due(100, 1_000));
        trigger.ran(100, 2_000);
        assertEquals(Optional.empty(), trigger.due(150, 3_000), "50 new since the last run");
        assertTrue(trigger.due(200, 3_000).isPresent());
    }

    @Test
    void theScheduleRunsOnlyWhenSomethingArrived() throws IOException {
        RetrainTrigger trigger = RetrainTrigger.load(dir, 100, 60_000, 0);
        trigger.ran(10, 0);

        assertEquals(Optional.empty(), trigger.due(11, 59_999));
        assertEquals(Optional.of("schedule, 1 new examples"), trigger.due(11, 60_000));
        assertEquals(Optional.empty(), trigger.due(10, 120_000), "nothing new: no run");
    }

    @Test
    void aRequestRunsOnceWhateverArrived() throws IOException {
        RetrainTrigger trigger = RetrainTrigger.load(dir, 100, 0, 0);
        trigger.request();

        assertEquals(Optional.of("requested"), trigger.due(0, 1));
        assertEquals(Optional.empty(), trigger.due(0, 2), "the request was taken");
    }

    @Test
    void theLastRunSurvivesARestart() throws IOException {
        RetrainTrigger.load(dir, 100, 0, 0).ran(250, 5_000);

        RetrainTrigger restarted = RetrainTrigger.load(dir, 100, 0, 9_000);

        assertEquals(Optional.empty(), restarted.due(300, 9_000), "50 new since the run before the restart");
        assertTrue(restarted.due(350, 9_000).isPresent());
    }
}
