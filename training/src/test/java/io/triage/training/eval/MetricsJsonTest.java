package io.triage.training.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.text.TextInput;
import io.triage.training.data.Dataset;
import io.triage.training.data.Example;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keys and shapes of metrics.json that the HTML report reads (see the metrics contract). */
class MetricsJsonTest {
    @Test
    void writesTheContractBlocks() throws Exception {
        Dataset validation = new Dataset("val", List.of("neg", "pos"), List.of(
                new Example(TextInput.of("bad"), 0, 1),
                new Example(TextInput.pair("is it good?", "yes"), 1, 2),
                new Example(TextInput.of("fine"), 1, 3)));
        Evaluation evaluation = Evaluation.of(validation.labels(), validation.labelIds(),
                new float[][] {{2, 0}, {0, 3}, {1, 0}});
        Map<String, List<Integer>> lengths = new LinkedHashMap<>();
        lengths.put("neg", List.of(3));
        lengths.put("pos", List.of(8, 3));
        ObjectNode json = new MetricsJson()
                .model("emotion", "v2", "v1", "full", validation.labels(), Instant.parse("2026-11-23T10:00:00.123Z"))
                .training(new MetricsJson.Training(10, 3, 2, 32, 2e-5, 1e-3, 0.01, 0.1, 1.0, 42, 12.5, 1.6, "cpu()"))
                .history(List.of(new EpochMetrics(1, 0.9, 0.4, 2.0 / 3, 0.6, 0.55, 40.1, 6.2),
                        new EpochMetrics(2, Double.NaN, null, null, null, null, 40.0, 6.0)))
                .validation(evaluation, validation, MostFrequentBaseline.of(new int[] {1, 1, 0}, validation.labelIds(), 2), 2)
                .data(Map.of("neg", 1, "pos", 2), validation.classCounts(), lengths)
                .json();

        JsonNode model = json.get("model");
        assertEquals("v1", model.get("parent_version").asText());
        assertEquals("2026-11-23T10:00:00Z", model.get("created_at").asText());
        assertEquals(List.of("neg", "pos"), List.of(model.get("labels").get(0).asText(), model.get("labels").get(1).asText()));

        JsonNode training = json.get("training");
        for (String key : List.of("train_examples", "validation_examples", "epochs", "batch_size", "learning_rate", "head_learning_rate",
                "weight_decay", "warmup_ratio", "max_grad_norm", "seed", "wall_seconds", "examples_per_second", "device")) {
            assertTrue(training.has(key), key);
        }
        assertEquals(2e-5, training.get("learning_rate").asDouble(), 1e-12);

        JsonNode first = json.get("history").get(0);
        assertEquals(0.55, first.get("val_macro_f1").asDouble());
        assertEquals(6.2, first.get("seconds").asDouble());
        assertTrue(json.get("history").get(1).get("train_loss").isNull(), "NaN is written as null");
        assertTrue(json.get("history").get(1).get("val_loss").isNull());

        JsonNode v = json.get("validation");
        assertEquals(2.0 / 3, v.get("accuracy").asDouble(), 1e-12);
        assertEquals(List.of("label", "precision", "recall", "f1", "support"), fieldNames(v.get("per_class").get(0)));
        assertEquals(2, v.get("per_class").get(1).get("support").asInt());
        assertEquals("[[1,0],[1,1]]", v.get("confusion_counts").toString());
        assertEquals("[[1.0,0.0],[0.5,0.5]]", v.get("confusion_normalized").toString());
        assertEquals("pos", v.get("baseline").get("label").asText());
        assertEquals("most_frequent", v.get("baseline").get("strategy").asText());
        assertEquals(2.0 / 3, v.get("baseline").get("accuracy").asDouble(), 1e-12);
        JsonNode worst = v.get("highest_loss").get(0);
        assertEquals("fine", worst.get("text").asText(), "logits (1, 0) for gold pos: the highest loss");
        assertTrue(worst.get("text_pair").isNull());
        assertEquals("pos", worst.get("gold").asText());
        assertEquals("neg", worst.get("predicted").asText());
        assertEquals("yes", v.get("lowest_loss").get(0).get("text_pair").asText());
        assertEquals(2, v.get("lowest_loss").size());

        assertEquals("[8,3]", json.get("data").get("token_lengths").get("pos").toString());
        assertEquals(2, json.get("data").get("validation_class_counts").get("pos").asInt());
    }

    @Test
    void epochMetricsReadBackFromTheirJson() throws Exception {
        EpochMetrics m = new EpochMetrics(3, 0.5, 0.4, 0.9, 0.89, 0.8, 41.5, 100.0);
        JsonNode node = MetricsJson.JSON.valueToTree(m);
        assertTrue(node.has("val_weighted_f1") && node.has("examples_per_second"), node.toString());
        assertEquals(m, MetricsJson.JSON.treeToValue(node, EpochMetrics.class));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
