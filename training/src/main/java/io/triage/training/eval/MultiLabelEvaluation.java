package io.triage.training.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * A multi-label model's outputs on labeled examples, scored: the mean per-label binary cross-entropy (what
 * training minimises), each label's sigmoid score, the label sets predicted at the thresholds, their
 * {@link MultiLabelMetrics}, and each label's precision/recall/F1 at every threshold of {@link #CURVE_THRESHOLDS}.
 *
 * @param thresholds the per-label thresholds the predictions use
 * @param curves per label, the scores at each of {@link #CURVE_THRESHOLDS}
 */
public record MultiLabelEvaluation(double loss, float[][] probabilities, float[] thresholds, boolean[][] predicted,
        MultiLabelMetrics metrics, List<List<ClassificationMetrics.ClassScores>> curves) {

    /** Thresholds 0.05, 0.10, ..., 0.95: where the curves are drawn and where tuning looks. */
    public static final float[] CURVE_THRESHOLDS = grid();

    /** Scores logits [examples][labels] against 0/1 gold label sets at the given thresholds. */
    public static MultiLabelEvaluation of(List<String> labels, float[][] gold, float[][] logits, float[] thresholds) {
        if (gold.length != logits.length) {
            throw new IllegalArgumentException(gold.length + " gold label sets but " + logits.length + " outputs");
        }
        float[][] p = new float[logits.length][];
        double loss = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = new float[logits[i].length];
            for (int l = 0; l < logits[i].length; l++) {
                double x = logits[i][l];
                p[i][l] = (float) (1 / (1 + Math.exp(-x)));
                // log(1 + e^-|x|) + max(x, 0) - x*y: stable for large |x|, as BCEWithLogitsLoss computes it
                loss += Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0) - x * gold[i][l];
            }
        }
        double cells = logits.length == 0 ? 1 : (double) logits.length * labels.size();
        boolean[][] predicted = predict(p, thresholds);
        List<List<ClassificationMetrics.ClassScores>> curves = new ArrayList<>();
        for (int l = 0; l < labels.size(); l++) {
            List<ClassificationMetrics.ClassScores> curve = new ArrayList<>();
            for (float t : CURVE_THRESHOLDS) {
                curve.add(labelScores(labels.get(l), gold, p, l, t));
            }
            curves.add(List.copyOf(curve));
        }
        return new MultiLabelEvaluation(loss / cells, p, thresholds.clone(), predicted,
                MultiLabelMetrics.of(labels, gold, predicted), List.copyOf(curves));
    }

    /**
     * Per label, the threshold of {@link #CURVE_THRESHOLDS} with the best F1 on these examples (on ties the one
     * nearest 0.5); a label never gold here keeps 0.5. Tuned on validation data, the scores at these thresholds
     * on the same data are optimistic.
     */
    public float[] tunedThresholds() {
        float[] out = new float[curves.size()];
        for (int l = 0; l < out.length; l++) {
            out[l] = 0.5f;
            double best = -1;
            for (int k = 0; k < CURVE_THRESHOLDS.length; k++) {
                ClassificationMetrics.ClassScores s = curves.get(l).get(k);
                float t = CURVE_THRESHOLDS[k];
                boolean better = s.f1() > best + 1e-12
                        || Math.abs(s.f1() - best) <= 1e-12 && Math.abs(t - 0.5f) < Math.abs(out[l] - 0.5f);
                if (s.support() > 0 && better) {
                    best = s.f1();
                    out[l] = t;
                }
            }
        }
        return out;
    }

    /** The same outputs judged at other thresholds. */
    public MultiLabelEvaluation at(float[] newThresholds, float[][] gold) {
        boolean[][] p = predict(probabilities, newThresholds);
        return new MultiLabelEvaluation(loss, probabilities, newThresholds.clone(), p,
                MultiLabelMetrics.of(metrics.labels(), gold, p), curves);
    }

    private static boolean[][] predict(float[][] probabilities, float[] thresholds) {
        boolean[][] out = new boolean[probabilities.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new boolean[probabilities[i].length];
            for (int l = 0; l < out[i].length; l++) {
                out[i][l] = probabilities[i][l] >= thresholds[l];
            }
        }
        return out;
    }

    private static ClassificationMetrics.ClassScores labelScores(String label, float[][] gold, float[][] p, int l,
            float threshold) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < p.length; i++) {
            boolean g = gold[i][l] > 0.5f;
            boolean predicted = p[i][l] >= threshold;
            tp += g && predicted ? 1 : 0;
            fp += !g && predicted ? 1 : 0;
            fn += g && !predicted ? 1 : 0;
        }
        return MultiLabelMetrics.scores(label, tp, fp, fn);
    }

    private static float[] grid() {
        float[] out = new float[19];
        for (int k = 0; k < out.length; k++) {
            out[k] = Math.round((k + 1) * 5) / 100f;
        }
        return out;
    }
}
