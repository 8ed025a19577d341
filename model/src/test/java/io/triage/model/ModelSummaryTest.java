package io.triage.model;

import ai.djl.Device;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSummaryTest {
    @Test
    void countsMatchTheArchitectureAndTheTreeShowsTheHead() throws Exception {
        try (ClassifierModel model = ModelLoader.loadBundled(
                ModelOverrides.NONE.withLabels(List.of("a", "b", "c", "d", "e", "f")), Device.cpu())) {
            Map<String, Long> counts = ModelSummary.parameterCounts(model);
            int h = 384;
            int f = 1536;
            long embeddings = 30522L * h + 512L * h + 2L * h + 2L * h;
            long layer = 4L * (h * h + h) + 2L * (2 * h) + (h * f + f) + (f * h + h);
            long head = (h * h + h) + (6L * h + 6);
            assertEquals(embeddings, counts.get("embeddings"));
            assertEquals(6 * layer, counts.get("encoder layers"));
            assertEquals(head, counts.get("classification head"));

            String tree = ModelSummary.render(model);
            assertTrue(tree.contains("dense 384→384 → tanh → dropout → out_proj 384→6"), tree);
            assertTrue(tree.contains("masked mean"), tree);
            // the bundled encoder has no classifier: its head is BERT's, untrained, and the summary says both
            assertTrue(tree.contains("bert.pooler.dense, classifier (BertForSequenceClassification)"), tree);
            assertTrue(tree.contains("UNTRAINED"), tree);
            assertTrue(tree.contains("transformers' BertForSequenceClassification pools the first token"), tree);
            assertTrue(tree.contains(String.format(java.util.Locale.ROOT, "%,d", head)), tree);
        }
    }
}
