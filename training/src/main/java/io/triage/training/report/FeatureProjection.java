package io.triage.training.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Projects pooled encoder features to 2-D for the report's scatter plot: a stratified, seeded subsample of at
 * most {@link #MAX_POINTS} examples, then PCA (the two leading principal components).
 *
 * <p>Why PCA and not UMAP: no UMAP library on Maven Central fits. Smile has UMAP, but Smile 3.x is GPL-3.0
 * (it would turn the whole project GPL), Smile 2.x is LGPL-3.0 and no longer maintained, and Smile 4+/5+ need
 * Java 21/25 while Triage runs on Java 17. Tag.bio's umap-java (BSD-3) is not published on Maven Central and
 * its authors document that it is only deterministic single-threaded with random initialisation. PCA is
 * deterministic, needs no tuning, and its axes mean something (directions of largest variance). The symmetric
 * eigendecomposition comes from EJML (Apache-2.0, pure Java, maintained) rather than a home-made solver.
 */
public final class FeatureProjection {
    /** The contract caps {@code projection.points} at this many examples. */
    public static final int MAX_POINTS = 2000;
    /** The {@code projection.method} this class produces. */
    public static final String METHOD = "pca";
    /** Significant digits of the coordinates written to metrics.json. */
    static final int DIGITS = 5;
    private static final MathContext COORDINATE = new MathContext(DIGITS);

    /** One projected example. */
    public record Point(double x, double y, String label) {
    }

    private FeatureProjection() {
    }

    /**
     * Projects {@code features[i]} (label {@code labels.get(i)}) to 2-D. When there are more than
     * {@link #MAX_POINTS} rows, each label keeps its share of the sample (largest-remainder rounding) and the
     * rows within a label are drawn with {@code seed}; the result keeps the input order. The same input and seed
     * always give the same points; each axis's sign is fixed so that its largest loading is positive.
     */
    public static List<Point> project(float[][] features, List<String> labels, long seed) {
        if (features.length != labels.size()) {
            throw new IllegalArgumentException(
                    features.length + " feature rows but " + labels.size() + " labels: one label per row");
        }
        if (features.length == 0) {
            return List.of();
        }
        checkRows(features);
        List<Integer> kept = stratifiedSample(labels, MAX_POINTS, seed);
        float[][] rows = new float[kept.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = features[kept.get(i)];
        }
        double[][] xy = leadingComponents(rows);
        List<Point> points = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            points.add(new Point(xy[i][0], xy[i][1], labels.get(kept.get(i))));
        }
        return points;
    }

    /**
     * The contract's {@code projection} block for these points. Coordinates keep {@link #DIGITS} significant
     * digits: far finer than a chart's pixels, and a third of the size of full doubles in metrics.json.
     */
    public static JsonNode toJson(List<Point> points, String method) {
        if (!"pca".equals(method) && !"umap".equals(method)) {
            throw new IllegalArgumentException("projection method must be \"pca\" or \"umap\", not \"" + method + "\"");
        }
        ObjectNode block = JsonNodeFactory.instance.objectNode();
        block.put("method", method);
        block.put("features", "pooled encoder output");
        ArrayNode array = block.putArray("points");
        for (Point p : points) {
            if (!Double.isFinite(p.x()) || !Double.isFinite(p.y())) {
                throw new IllegalArgumentException("point " + p + " is not finite");
            }
            array.addObject().put("x", round(p.x())).put("y", round(p.y())).put("label", p.label());
        }
        return block;
    }

    private static double round(double coordinate) {
        return new BigDecimal(coordinate).round(COORDINATE).doubleValue();
    }

    private static void checkRows(float[][] features) {
        int dim = features[0].length;
        if (dim == 0) {
            throw new IllegalArgumentException("feature rows are empty");
        }
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != dim) {
                throw new IllegalArgumentException(
                        "feature row " + i + " has " + features[i].length + " values, row 0 has " + dim);
            }
            for (float v : features[i]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("feature row " + i + " holds a non-finite value " + v);
                }
            }
        }
    }

    /** Indices (ascending) of at most {@code cap} rows, each label keeping its share. */
    static List<Integer> stratifiedSample(List<String> labels, int cap, long seed) {
        List<Integer> all = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            all.add(i);
        }
        if (labels.size() <= cap) {
            return all;
        }
        Map<String, List<Integer>> byLabel = new LinkedHashMap<>();
        for (int i : all) {
            byLabel.computeIfAbsent(labels.get(i), k -> new ArrayList<>()).add(i);
        }
        List<String> order = new ArrayList<>(byLabel.keySet());
        int[] quota = new int[order.size()];
        double[] remainder = new double[order.size()];
        int given = 0;
        for (int c = 0; c < order.size(); c++) {
            double exact = (double) cap * byLabel.get(order.get(c)).size() / labels.size();
            quota[c] = (int) Math.floor(exact);
            remainder[c] = exact - quota[c];
            given += quota[c];
        }
        List<Integer> byRemainder = new ArrayList<>();
        for (int c = 0; c < order.size(); c++) {
            byRemainder.add(c);
        }
        byRemainder.sort(Comparator.comparingDouble((Integer c) -> -remainder[c]).thenComparingInt(c -> c));
        for (int k = 0; given < cap; k++, given++) {
            quota[byRemainder.get(k)]++;
        }
        Random random = new Random(seed);
        List<Integer> kept = new ArrayList<>(cap);
        for (int c = 0; c < order.size(); c++) {
            List<Integer> members = new ArrayList<>(byLabel.get(order.get(c)));
            Collections.shuffle(members, random);
            kept.addAll(members.subList(0, quota[c]));
        }
        Collections.sort(kept);
        return kept;
    }

    /** Rows projected on the two leading principal components (an axis is 0 where the data has no variance). */
    private static double[][] leadingComponents(float[][] rows) {
        int n = rows.length;
        int dim = rows[0].length;
        double[] mean = new double[dim];
        for (float[] row : rows) {
            for (int j = 0; j < dim; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < dim; j++) {
            mean[j] /= n;
        }
        DMatrixRMaj centered = new DMatrixRMaj(n, dim);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                centered.unsafe_set(i, j, rows[i][j] - mean[j]);
            }
        }
        // eigenvectors of the d x d scatter matrix X'X: far cheaper than an SVD of the n x d data when n >> d
        DMatrixRMaj scatter = CommonOps_DDRM.multInner(centered, null);
        EigenDecomposition_F64<DMatrixRMaj> eigen = DecompositionFactory_DDRM.eig(dim, true, true);
        if (!eigen.decompose(scatter)) {
            throw new IllegalStateException("the eigendecomposition of the " + dim + "x" + dim
                    + " feature scatter matrix did not converge");
        }
        double[] variance = new double[eigen.getNumberOfEigenvalues()];
        List<Integer> byStrength = new ArrayList<>();
        for (int k = 0; k < variance.length; k++) {
            variance[k] = eigen.getEigenvalue(k).getReal();
            byStrength.add(k);
        }
        byStrength.sort(Comparator.comparingDouble((Integer k) -> -variance[k]));
        double strongest = byStrength.isEmpty() ? 0 : variance[byStrength.get(0)];

        double[][] xy = new double[n][2];
        for (int axis = 0; axis < 2 && axis < byStrength.size(); axis++) {
            int k = byStrength.get(axis);
            // numerically zero variance: leave the axis at 0 instead of projecting on a noise direction
            if (variance[k] <= strongest * 1e-12) {
                continue;
            }
            DMatrixRMaj vector = eigen.getEigenVector(k);
            double[] direction = new double[dim];
            int largest = 0;
            for (int j = 0; j < dim; j++) {
                direction[j] = vector.get(j);
                if (Math.abs(direction[j]) > Math.abs(direction[largest])) {
                    largest = j;
                }
            }
            double sign = direction[largest] < 0 ? -1 : 1;
            for (int i = 0; i < n; i++) {
                double dot = 0;
                for (int j = 0; j < dim; j++) {
                    dot += centered.unsafe_get(i, j) * direction[j];
                }
                xy[i][axis] = sign * dot;
            }
        }
        return xy;
    }
}
