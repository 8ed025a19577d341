package io.triage.training.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.training.report.FeatureProjection.Point;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureProjectionTest {
    @Test
    void theFirstAxisFollowsTheDominantDirection() {
        // points along one direction of a 20-D space, plus small isotropic noise
        Random random = new Random(1);
        int dim = 20;
        double[] direction = new double[dim];
        for (int j = 0; j < dim; j++) {
            direction[j] = random.nextGaussian();
        }
        double norm = Math.sqrt(dot(direction, direction));
        int n = 300;
        float[][] features = new float[n][dim];
        double[] position = new double[n];
        for (int i = 0; i < n; i++) {
            position[i] = random.nextGaussian() * 10;
            for (int j = 0; j < dim; j++) {
                features[i][j] = (float) (5 + position[i] * direction[j] / norm + random.nextGaussian() * 0.05);
            }
        }
        List<Point> points = FeatureProjection.project(features, labels(n, i -> "x"), 7);

        double[] x = points.stream().mapToDouble(Point::x).toArray();
        double[] y = points.stream().mapToDouble(Point::y).toArray();
        assertTrue(Math.abs(correlation(x, position)) > 0.9999, "x follows the line: " + correlation(x, position));
        assertTrue(variance(y) < variance(x) * 1e-3, "the second axis holds only the noise");
        assertEquals(0, mean(x), 1e-4, "centred");
    }

    @Test
    void separatedClustersStaySeparated() {
        Random random = new Random(2);
        int dim = 64;
        List<String> names = List.of("anger", "fear", "joy");
        List<float[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            double[] centre = new double[dim];
            for (int j = 0; j < dim; j++) {
                centre[j] = random.nextGaussian() * 3;
            }
            for (int i = 0; i < 100; i++) {
                float[] row = new float[dim];
                for (int j = 0; j < dim; j++) {
                    row[j] = (float) (centre[j] + random.nextGaussian() * 0.3);
                }
                rows.add(row);
                labels.add(names.get(c));
            }
        }
        List<Point> points = FeatureProjection.project(rows.toArray(new float[0][]), labels, 3);

        Map<String, double[]> centroids = points.stream().collect(Collectors.groupingBy(Point::label,
                Collectors.collectingAndThen(Collectors.toList(), ps -> new double[] {
                        ps.stream().mapToDouble(Point::x).average().orElseThrow(),
                        ps.stream().mapToDouble(Point::y).average().orElseThrow()})));
        for (Point p : points) {
            String nearest = names.stream().min((a, b) -> Double.compare(
                    distance(p, centroids.get(a)), distance(p, centroids.get(b)))).orElseThrow();
            assertEquals(p.label(), nearest, "point " + p + " lies nearest its own cluster");
        }
    }

    @Test
    void largeInputsAreCappedAndKeepEachLabelsShare() {
        int n = 5003;
        Function<Integer, String> labelOf = i -> i % 10 < 6 ? "joy" : i % 10 < 9 ? "sadness" : "surprise";
        List<String> labels = labels(n, labelOf);
        float[][] features = new float[n][];
        for (int i = 0; i < n; i++) {
            features[i] = new float[] {i, i % 7, labels.get(i).length()};
        }
        List<Point> points = FeatureProjection.project(features, labels, 11);
        assertEquals(FeatureProjection.MAX_POINTS, points.size());

        Map<String, Long> input = labels.stream().collect(Collectors.groupingBy(l -> l, Collectors.counting()));
        Map<String, Long> kept = points.stream().collect(Collectors.groupingBy(Point::label, Collectors.counting()));
        for (String label : input.keySet()) {
            double exact = (double) FeatureProjection.MAX_POINTS * input.get(label) / n;
            assertTrue(Math.abs(kept.get(label) - exact) < 1, label + ": " + kept.get(label) + " vs " + exact);
        }

        List<Integer> sample = FeatureProjection.stratifiedSample(labels, FeatureProjection.MAX_POINTS, 11);
        assertEquals(FeatureProjection.MAX_POINTS, new HashSet<>(sample).size(), "no row twice");
        for (int i = 1; i < sample.size(); i++) {
            assertTrue(sample.get(i - 1) < sample.get(i), "input order kept");
        }
    }

    @Test
    void theSameSeedGivesTheSamePointsAndAnotherSeedAnotherSample() {
        int n = 4500;
        Random random = new Random(4);
        float[][] features = new float[n][8];
        for (float[] row : features) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        List<String> labels = labels(n, i -> "l" + (i % 4));
        assertEquals(FeatureProjection.project(features, labels, 42), FeatureProjection.project(features, labels, 42));
        Set<Integer> one = new HashSet<>(FeatureProjection.stratifiedSample(labels, 2000, 42));
        Set<Integer> other = new HashSet<>(FeatureProjection.stratifiedSample(labels, 2000, 43));
        assertNotEquals(one, other);
    }

    @Test
    void smallInputsKeepEveryRowInOrder() {
        float[][] features = {{1, 0}, {2, 0}, {3, 0}, {4, 1}};
        List<Point> points = FeatureProjection.project(features, List.of("a", "b", "a", "c"), 0);
        assertEquals(List.of("a", "b", "a", "c"), points.stream().map(Point::label).toList());
        assertTrue(points.get(0).x() < points.get(3).x(), "the sign makes the largest loading positive");
        assertEquals(List.of(), FeatureProjection.project(new float[0][], List.of(), 0));
    }

    @Test
    void constantFeaturesProjectToTheOrigin() {
        float[][] features = {{3, 3, 3}, {3, 3, 3}, {3, 3, 3}};
        for (Point p : FeatureProjection.project(features, List.of("a", "b", "c"), 0)) {
            assertEquals(0, p.x());
            assertEquals(0, p.y());
        }
    }

    @Test
    void badInputIsRejectedWithAReason() {
        var mismatch = assertThrows(IllegalArgumentException.class,
                () -> FeatureProjection.project(new float[][] {{1}, {2}}, List.of("a"), 0));
        assertTrue(mismatch.getMessage().contains("2 feature rows but 1 labels"));
        var ragged = assertThrows(IllegalArgumentException.class,
                () -> FeatureProjection.project(new float[][] {{1, 2}, {2}}, List.of("a", "b"), 0));
        assertTrue(ragged.getMessage().contains("row 1 has 1 values"));
        var nan = assertThrows(IllegalArgumentException.class,
                () -> FeatureProjection.project(new float[][] {{1, Float.NaN}}, List.of("a"), 0));
        assertTrue(nan.getMessage().contains("non-finite"));
        assertThrows(IllegalArgumentException.class, () -> FeatureProjection.toJson(List.of(), "tsne"));
    }

    @Test
    void toJsonWritesTheContractBlockThatTheReportDraws() {
        List<Point> points = List.of(new Point(0.5, -1.25, "joy"), new Point(-2.0000049, 3.14159265e-7, "fear"));
        JsonNode block = FeatureProjection.toJson(points, FeatureProjection.METHOD);
        assertEquals("pca", block.path("method").asText());
        assertEquals("pooled encoder output", block.path("features").asText());
        assertEquals(2, block.path("points").size());
        assertEquals(-1.25, block.path("points").get(0).path("y").asDouble());
        assertEquals("fear", block.path("points").get(1).path("label").asText());
        assertEquals(-2.0, block.path("points").get(1).path("x").asDouble(), "five significant digits");
        assertEquals(3.1416e-7, block.path("points").get(1).path("y").asDouble());

        ObjectNode metrics = ReportFixtures.emotionMetrics();
        metrics.set("projection", block);
        var page = Jsoup.parse(HtmlReport.render(metrics));
        assertEquals(2, page.select("#chart-projection circle title").size());
        assertTrue(page.select("#chart-projection").text().contains("PC 1"));
    }

    private static List<String> labels(int n, Function<Integer, String> labelOf) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(labelOf.apply(i));
        }
        return out;
    }

    private static double distance(Point p, double[] centre) {
        return Math.hypot(p.x() - centre[0], p.y() - centre[1]);
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double variance(double[] v) {
        double m = mean(v);
        return Arrays.stream(v).map(x -> (x - m) * (x - m)).average().orElseThrow();
    }

    private static double correlation(double[] a, double[] b) {
        double ma = mean(a);
        double mb = mean(b);
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < a.length; i++) {
            cov += (a[i] - ma) * (b[i] - mb);
            va += (a[i] - ma) * (a[i] - ma);
            vb += (b[i] - mb) * (b[i] - mb);
        }
        return cov / Math.sqrt(va * vb);
    }
}
