package io.triage.training.train;

import ai.djl.Device;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelLoader;
import io.triage.model.train.TrainingMode;
import io.triage.training.data.Dataset;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An interrupted thread stops training at the next batch, which is how the trainer service shuts down mid-run. */
class TrainingCancellationTest {

    @Test
    void anInterruptStopsTrainingAtTheNextBatch() throws Exception {
        Dataset train = PhraseData.sample(64, 5);
        TrainingSettings options = TrainingSettings.defaults(TrainingMode.FULL).withEpochs(2).withBatchSize(8);
        AtomicInteger batches = new AtomicInteger();
        TrainingListener interruptAfterTwoBatches = new TrainingListener() {
            @Override
            public void onBatch(int epoch, int examplesDone, float loss) {
                if (batches.incrementAndGet() == 2) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        boolean stillInterrupted;
        try (ClassifierModel model = ModelLoader.loadBundled(
                new ModelOverrides("phrases", "v1", PhraseData.LABELS, null, 32), Device.cpu())) {
            assertThrows(CancellationException.class,
                    () -> FineTuner.run(model, train, null, options, interruptAfterTwoBatches));
        } finally {
            stillInterrupted = Thread.interrupted(); // cleared here, so that no other test runs interrupted
        }
        assertEquals(2, batches.get(), "no batch runs after the interrupt");
        assertTrue(stillInterrupted, "the interrupt stays set for the caller to see");
    }
}
