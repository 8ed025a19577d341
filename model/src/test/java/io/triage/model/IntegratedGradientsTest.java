package io.triage.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.triage.model.config.ModelOverrides;
import io.triage.model.explain.Attribution;
import io.triage.model.explain.Baseline;
import io.triage.model.explain.IntegratedGradients;
import io.triage.model.explain.LabeledText;
import io.triage.model.explain.NearestExamples;
import io.triage.model.explain.Neighbour;
import io.triage.model.infer.Classification;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Integrated gradients on tiny hand-made checkpoints: completeness holds within {@link #TOLERANCE}, a masked
 * token gets nothing, the prediction is the inference path's, and nothing is left allocated.
 */
class IntegratedGradientsTest {
    /**
     * The completeness gap allowed at 64 steps, in probability units. Measured: about 1e-5 on these checkpoints,
     * with score movements of 0.4 to 0.5; gradients summed across labels (no zeroing between backward passes) give
     * 0.2. So a wrong gradient fails by far, and the Riemann sum's error passes by far.
     */
    static final double TOLERANCE = 1e-3;
    private static final TextInput TEXT = TextInput.of("the delivery was late and the box was broken");
    private static final TextInput PAIR = TextInput.pair("is the parcel lost", "it arrived this morning");

    @TempDir
    Path tmp;

    @Test
    void attributionsAddUpToTheScoreDifferenceForEveryLabel() throws IOException {
        for (String type : List.of("bert", "roberta")) {
            try (ClassifierModel model = tiny(type, 41)) {
                for (TextInput input : List.of(TEXT, PAIR)) {
                    Attribution a = new IntegratedGradients(model, 64, 16, Baseline.PAD).explain(input);
                    assertEquals(model.tokenizer().encode(input).length(), a.tokens().size());
                    double movement = 0;
                    for (int j = 0; j < a.labels().size(); j++) {
                        movement += Math.abs(a.scores()[j] - a.baselineScores()[j]);
                    }
                    assertTrue(movement > 10 * TOLERANCE, type + ": the input must move the scores for the "
                            + "check to mean anything: " + movement);
                    assertTrue(a.maxAbsoluteGap() < TOLERANCE, type + " " + input + ": gap " + a.maxAbsoluteGap());
                }
            }
        }
    }

    @Test
    void theZeroBaselineIsCompleteToo() throws IOException {
        try (ClassifierModel model = tiny("bert", 42)) {
            Attribution a = new IntegratedGradients(model, 64, 64, Baseline.ZERO).explain(TEXT);
            assertTrue(a.maxAbsoluteGap() < TOLERANCE, "gap " + a.maxAbsoluteGap());
        }
    }

    @Test
    void specialTokensAndAMaskedTokenGetNothing() throws IOException {
        try (ClassifierModel model = tiny("bert", 43)) {
            EncodedBatch whole = model.tokenizer().encodeBatch(List.of(TEXT));
            long[] mask = whole.mask().clone();
            int masked = 3;
            mask[masked] = 0;
            EncodedBatch partly = new EncodedBatch(1, whole.seqLen(), whole.ids(), whole.typeIds(), mask,
                    whole.lengths());
            Attribution a = new IntegratedGradients(model).attribute(partly);
            int last = a.tokens().size() - 1;
            assertEquals("[CLS]", a.tokens().get(0));
            assertEquals("[SEP]", a.tokens().get(last));
            for (int j = 0; j < a.labels().size(); j++) {
                assertEquals(0f, a.attributions()[j][masked], 1e-9f, "masked token, label " + j);
                assertEquals(0f, a.attributions()[j][0], 0f, "[CLS] is its own baseline");
                assertEquals(0f, a.attributions()[j][last], 0f, "[SEP] is its own baseline");
                assertTrue(Math.abs(a.attributions()[j][masked + 1]) > 1e-6, "an unmasked token counts");
            }
        }
    }

    @Test
    void thePredictionIsTheInferencePathsAndInferenceIsUnchangedAfterwards() throws IOException {
        try (TextClassifier classifier = TextClassifier.of(tiny("roberta", 44), Precision.FP32)) {
            List<TextInput> inputs = List.of(TEXT, PAIR);
            List<Classification> before = classifier.classify(inputs);
            NDManager root = classifier.model().djlModel().getNDManager().getParentManager();
            int arrays = root.getManagedArrays().size();
            List<Attribution> explained = new ArrayList<>();
            for (TextInput input : inputs) {
                explained.add(new IntegratedGradients(classifier.model(), 8, 3, Baseline.PAD).explain(input));
            }
            assertEquals(arrays, root.getManagedArrays().size(), "arrays left alive by explanations");
            List<Classification> after = classifier.classify(inputs);
            for (int i = 0; i < inputs.size(); i++) {
                assertEquals(before.get(i).scores(), after.get(i).scores(), "inference unchanged");
                Attribution a = explained.get(i);
                assertEquals(before.get(i).label(), a.labels().get(a.predicted()));
                for (int j = 0; j < a.labels().size(); j++) {
                    assertEquals(before.get(i).scores().get(a.labels().get(j)), a.scores()[j], 1e-5f);
                }
            }
        }
    }

    @Test
    void refusesAnEmptyTextAnUnknownLabelAndSillySteps() throws IOException {
        try (ClassifierModel model = tiny("bert", 45)) {
            IntegratedGradients ig = new IntegratedGradients(model, 2, 2, Baseline.PAD);
            assertThrows(IllegalArgumentException.class, () -> ig.explain(TextInput.of("  ")));
            Attribution a = ig.explain(TEXT);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.labelIndex("spam"));
            assertTrue(e.getMessage().contains("[neg, pos, neutral]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new IntegratedGradients(model, 0, 1, Baseline.PAD));
            assertThrows(IllegalArgumentException.class, () -> Baseline.parse("mean"));
        }
    }

    @Test
    void nearestExamplesAreRankedByCosineAndBounded() throws IOException {
        try (ClassifierModel model = tiny("bert", 46)) {
            List<LabeledText> examples = new ArrayList<>();
            for (int i = 0; i < 70; i++) {
                examples.add(new LabeledText(TextInput.of("filler example number " + i), "neutral"));
            }
            examples.add(45, new LabeledText(TEXT, "neg"));
            List<Neighbour> nearest = new NearestExamples(model).find(TEXT, examples.iterator(), 3);
            assertEquals(3, nearest.size());
            assertEquals(TEXT, nearest.get(0).example().input());
            assertEquals("neg", nearest.get(0).example().label());
            assertEquals(1.0, nearest.get(0).similarity(), 1e-5);
            assertTrue(nearest.get(1).similarity() >= nearest.get(2).similarity());

            // with a memo: the same answer, each text's features computed once and then taken from it
            java.util.Map<TextInput, float[]> known = new java.util.HashMap<>();
            NearestExamples search = new NearestExamples(model);
            assertEquals(nearest, search.find(TEXT, examples.iterator(), 3, known));
            assertEquals(examples.size(), known.size());
            float[] memo = known.get(TEXT);
            known.put(TextInput.of("filler example number 7"), memo.clone()); // a memo entry wins over computing
            List<Neighbour> again = search.find(TEXT, examples.iterator(), 3, known);
            // the same features as the query now: a tie at 1, and a tie goes to the one read first
            assertEquals(TextInput.of("filler example number 7"), again.get(0).example().input());
            assertEquals(TEXT, again.get(1).example().input());
            assertEquals(1.0, again.get(0).similarity(), 1e-5);
            assertEquals(examples.size(), known.size());
        }
    }

    private ClassifierModel tiny(String type, long seed) throws IOException {
        String prefix = type + ".";
        Path dir = new TinyCheckpoint(type, seed).withTransformersHead(3)
                .declaring(type.equals("bert") ? "BertForSequenceClassification" : "RobertaForSequenceClassification")
                .write(tmp.resolve(type + seed), prefix);
        return ModelLoader.loadFolder(dir, ModelOverrides.NONE.withMaxLength(32), Device.cpu());
    }
}
