package io.triage.training.train;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.ProblemType;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.TextInput;
import io.triage.model.train.TrainingMode;
import io.triage.training.data.Dataset;
import io.triage.training.data.Example;
import io.triage.training.eval.MultiLabelEvaluation;
import io.triage.training.report.HtmlReport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A multi-label head trained with per-label BCE on reviews that mention any of three aspects learns them: its
 * micro and macro F1 beat the baseline that always predicts the training data's most frequent label set.
 */
class MultiLabelTrainingTest {
    @Test
    void aMultiLabelHeadBeatsTheMostFrequentLabelSetAndTunesItsThresholds() throws Exception {
        Dataset train = ReviewData.sample(240, 1);
        Dataset validation = ReviewData.sample(120, 2);
        TrainingSettings options = TrainingSettings.defaults(TrainingMode.HEAD).withEpochs(20).withTuneThresholds(true);
        try (ClassifierModel model = ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(ReviewData.LABELS)
                .withProblemType(ProblemType.MULTI_LABEL), Device.cpu())) {
            TrainingResult result = FineTuner.run(model, train, validation, options, TrainingListener.NONE);
            JsonNode v = result.metrics().get("validation");
            assertEquals("multi_label_classification", v.get("problem_type").asText());
            JsonNode baseline = v.get("baseline");
            assertEquals("most_frequent_label_set", baseline.get("strategy").asText());
            assertEquals("[\"delivery\"]", baseline.get("labels").toString());
            double microF1 = v.get("micro_f1").asDouble();
            double macroF1 = v.get("macro_f1").asDouble();
            assertTrue(microF1 > baseline.get("micro_f1").asDouble() + 0.2, v.toPrettyString());
            assertTrue(macroF1 > baseline.get("macro_f1").asDouble() + 0.3, v.toPrettyString());
            assertTrue(v.get("hamming_loss").asDouble() < 0.2, v.toPrettyString());
            assertTrue(result.history().get(19).trainLoss() < 0.7 * result.history().get(0).trainLoss(),
                    "BCE did not fall: " + result.history());

            // tuned thresholds: in the model (so the artifact stores them) and in metrics.json
            MultiLabelEvaluation evaluation = result.multiLabelEvaluation();
            assertTrue(v.get("thresholds_tuned").asBoolean());
            for (int l = 0; l < ReviewData.LABELS.size(); l++) {
                assertEquals(evaluation.thresholds()[l], model.config().thresholds().get(l), 0f);
                assertEquals(evaluation.thresholds()[l], v.get("per_class").get(l).get("threshold").asDouble(), 1e-6);
            }
            JsonNode curves = v.get("threshold_curves");
            assertEquals(19, curves.get("thresholds").size());
            assertEquals(19, curves.get("labels").get(2).get("f1").size());

            String html = HtmlReport.render(result.metrics());
            assertTrue(html.contains("Threshold curves") && html.contains("chart-threshold-2")
                    && html.contains("subset accuracy") && html.contains("most-frequent-label-set"), html);
        }
    }

    @Test
    void aSingleLabelModelRefusesMultiLabelDataAndTheReverse() throws Exception {
        Dataset multi = ReviewData.sample(20, 3);
        TrainingSettings options = TrainingSettings.defaults(TrainingMode.HEAD).withEpochs(1);
        try (ClassifierModel single = ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(ReviewData.LABELS), Device.cpu())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FineTuner.run(single, multi, null, options, TrainingListener.NONE));
            assertTrue(e.getMessage().contains("multi-label"), e.getMessage());
        }
        Dataset one = new Dataset("one", ReviewData.LABELS, List.of(new Example(TextInput.of("late"), 0, 1)));
        try (ClassifierModel multiModel = ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(ReviewData.LABELS)
                .withProblemType(ProblemType.MULTI_LABEL), Device.cpu())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FineTuner.run(multiModel, one, null, options, TrainingListener.NONE));
            assertTrue(e.getMessage().contains("one label per example"), e.getMessage());
        }
    }
}
