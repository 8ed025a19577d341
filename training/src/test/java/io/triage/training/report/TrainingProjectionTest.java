package io.triage.training.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.training.train.TrainingResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingProjectionTest {
    private static final List<String> LABELS = List.of("anger", "joy", "sadness");

    @Test
    void everyValidationExampleBecomesAPointWithItsGoldLabel() {
        int[] gold = {2, 0, 1, 1, 2, 0, 0, 2, 1, 2};
        TrainingResult result = result(clustered(gold, 1), gold);

        assertTrue(TrainingProjection.addTo(result, LABELS, 42));

        JsonNode projection = result.metrics().get("projection");
        assertEquals("pca", projection.get("method").asText());
        assertEquals("pooled encoder output", projection.get("features").asText());
        JsonNode points = projection.get("points");
        assertEquals(gold.length, points.size());
        for (int i = 0; i < gold.length; i++) {
            assertEquals(LABELS.get(gold[i]), points.get(i).get("label").asText(), "point " + i + " keeps input order");
        }
        // the clusters sit 10 apart along one direction, so the first axis orders the labels
        assertTrue(meanX(points, "anger") < meanX(points, "joy") && meanX(points, "joy") < meanX(points, "sadness")
                || meanX(points, "anger") > meanX(points, "joy") && meanX(points, "joy") > meanX(points, "sadness"),
                points.toString());
    }

    @Test
    void largeValidationSetsAreSampledDownPerLabel() {
        // 1500 / 600 / 400 examples: the 2000 points keep the 60 / 24 / 16 percent shares
        int[] gold = new int[2500];
        for (int i = 0; i < gold.length; i++) {
            gold[i] = i % 25 < 15 ? 0 : i % 25 < 21 ? 1 : 2;
        }
        TrainingResult result = result(clustered(gold, 2), gold);

        TrainingProjection.addTo(result, LABELS, 7);

        JsonNode points = result.metrics().get("projection").get("points");
        assertEquals(FeatureProjection.MAX_POINTS, points.size());
        Map<String, Integer> perLabel = new TreeMap<>();
        points.forEach(p -> perLabel.merge(p.get("label").asText(), 1, Integer::sum));
        assertEquals(Map.of("anger", 1200, "joy", 480, "sadness", 320), perLabel);
    }

    @Test
    void aRunWithoutValidationGetsNoProjection() {
        TrainingResult result = result(new float[0][], new int[0]);

        assertFalse(TrainingProjection.addTo(result, LABELS, 42));
        assertFalse(result.metrics().has("projection"));
    }

    @Test
    void goldIndicesOutsideTheLabelsAreRefused() {
        int[] gold = {0, 3};
        TrainingResult result = result(clustered(new int[] {0, 1}, 3), gold);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingProjection.addTo(result, LABELS, 42));
        assertTrue(e.getMessage().contains("validation example 1 has gold label index 3"), e.getMessage());
        assertFalse(result.metrics().has("projection"));
    }

    private static TrainingResult result(float[][] features, int[] gold) {
        ObjectNode metrics = JsonNodeFactory.instance.objectNode();
        metrics.putObject("model").put("name", "test");
        return new TrainingResult(metrics, List.of(), null, features, gold);
    }

    /** 8-D features: label k's examples around k * 10 on the first coordinate, unit noise everywhere. */
    private static float[][] clustered(int[] gold, long seed) {
        Random random = new Random(seed);
        float[][] features = new float[gold.length][8];
        for (int i = 0; i < gold.length; i++) {
            for (int j = 0; j < 8; j++) {
                features[i][j] = (float) (random.nextGaussian() + (j == 0 ? gold[i] * 10 : 0));
            }
        }
        return features;
    }

    private static double meanX(JsonNode points, String label) {
        double sum = 0;
        int n = 0;
        for (JsonNode p : points) {
            if (p.get("label").asText().equals(label)) {
                sum += p.get("x").asDouble();
                n++;
            }
        }
        return sum / n;
    }
}
