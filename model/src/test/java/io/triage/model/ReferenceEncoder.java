package io.triage.model;

import java.util.Map;
import java.util.Set;

/**
 * A deliberately naive, loop-by-loop re-implementation of the Hugging Face BERT / RoBERTa / DistilBERT
 * forward pass on plain float arrays, one unpadded sequence at a time. It shares no code with the DJL
 * blocks, so agreement between the two is evidence, not tautology.
 */
final class ReferenceEncoder {
    private final Map<String, float[]> w;
    private final String type;
    private final int hidden;
    private final int heads;
    private final int layers;
    private final int intermediate;
    private final int padId;

    ReferenceEncoder(Map<String, float[]> weights, String type, int hidden, int heads, int layers, int intermediate,
            int padId) {
        this.w = weights;
        this.type = type;
        this.hidden = hidden;
        this.heads = heads;
        this.layers = layers;
        this.intermediate = intermediate;
        this.padId = padId;
    }

    /** Last hidden state [S][H] of one sequence. */
    float[][] forward(long[] ids, long[] typeIds) {
        int s = ids.length;
        float[][] x = new float[s][hidden];
        for (int t = 0; t < s; t++) {
            int pos = TinyCheckpoint.robertaFamily(type) ? padId + 1 + t : t;
            for (int e = 0; e < hidden; e++) {
                x[t][e] = w.get("embeddings.word_embeddings.weight")[(int) ids[t] * hidden + e];
                if (!deberta()) { // DeBERTa-v3: relative positions only, no token types
                    x[t][e] += w.get("embeddings.position_embeddings.weight")[pos * hidden + e];
                }
                if (!type.equals("distilbert") && !deberta()) {
                    x[t][e] += w.get("embeddings.token_type_embeddings.weight")[(int) typeIds[t] * hidden + e];
                }
            }
        }
        x = layerNorm(x, "embeddings.LayerNorm");
        for (int l = 0; l < layers; l++) {
            x = layer(x, l);
        }
        return x;
    }

    /** Logits of the RoBERTa-style head on the first token. */
    float[] headLogits(float[] pooled, int labels) {
        float[] d = linear(new float[][] {pooled}, "classifier.dense", hidden)[0];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) Math.tanh(d[i]);
        }
        return linear(new float[][] {d}, "classifier.out_proj", labels)[0];
    }

    /**
     * Logits of the head transformers' {@code architecture}ForSequenceClassification puts on the first token's state,
     * written from its modeling file: BERT {@code classifier(tanh(pooler.dense(x)))}, DistilBERT
     * {@code classifier(relu(pre_classifier(x)))}, RoBERTa {@code out_proj(tanh(dense(x)))}, ELECTRA
     * {@code out_proj(gelu(dense(x)))}, DeBERTa-v2 {@code classifier(gelu(pooler.dense(x)))} (dropout is off in eval).
     */
    float[] transformersHeadLogits(float[] first, String architecture, int labels) {
        String dense = switch (architecture) {
            case "bert", "deberta-v2" -> "pooler.dense";
            case "distilbert" -> "pre_classifier";
            default -> "classifier.dense";
        };
        String out = Set.of("bert", "distilbert", "deberta-v2").contains(architecture) ? "classifier" : "classifier.out_proj";
        float[] d = linear(new float[][] {first}, dense, hidden)[0];
        for (int i = 0; i < d.length; i++) {
            double v = d[i];
            d[i] = (float) switch (architecture) {
                case "bert", "roberta", "xlm-roberta", "camembert" -> Math.tanh(v);
                case "distilbert" -> Math.max(0, v);
                case "electra", "deberta-v2" -> 0.5 * v * (1 + erf(v / Math.sqrt(2))); // DeBERTa's ContextPooler
                default -> throw new IllegalArgumentException(architecture);
            };
        }
        return linear(new float[][] {d}, out, labels)[0];
    }

    private boolean deberta() {
        return type.equals("deberta-v2");
    }

    private float[][] layer(float[][] x, int l) {
        String p = (type.equals("distilbert") ? "transformer.layer." : "encoder.layer.") + l + ".";
        boolean distil = type.equals("distilbert");
        String proj = deberta() ? "_proj" : "";
        float[][] q = linear(x, p + (distil ? "attention.q_lin" : "attention.self.query" + proj), hidden);
        float[][] k = linear(x, p + (distil ? "attention.k_lin" : "attention.self.key" + proj), hidden);
        float[][] v = linear(x, p + (distil ? "attention.v_lin" : "attention.self.value" + proj), hidden);
        int s = x.length;
        int d = hidden / heads;
        float[][] ctx = new float[s][hidden];
        // DeBERTa: c2p and p2c terms from the normalized relative embeddings, every term over sqrt(3d)
        float[][] rel = deberta() ? layerNorm(rows("encoder.rel_embeddings.weight"), "encoder.LayerNorm") : null;
        boolean shared = !w.containsKey(p + "attention.self.pos_key_proj.weight");
        float[][] posK = deberta() ? linear(rel, p + "attention.self." + (shared ? "key_proj" : "pos_key_proj"), hidden) : null;
        float[][] posQ = deberta() ? linear(rel, p + "attention.self." + (shared ? "query_proj" : "pos_query_proj"), hidden) : null;
        double scale = Math.sqrt(deberta() ? 3.0 * d : d);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < s; i++) {
                double[] scores = new double[s];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    double dot = 0;
                    for (int e = 0; e < d; e++) {
                        dot += q[i][h * d + e] * k[j][h * d + e];
                    }
                    if (deberta()) {
                        int span = TinyCheckpoint.DEBERTA_BUCKETS;
                        int c2p = (int) Math.max(0, Math.min(2 * span - 1, bucket(i - j) + span));
                        int p2c = (int) Math.max(0, Math.min(2 * span - 1, -bucket(j - i) + span));
                        for (int e = 0; e < d; e++) {
                            dot += q[i][h * d + e] * posK[c2p][h * d + e] + k[j][h * d + e] * posQ[p2c][h * d + e];
                        }
                    }
                    scores[j] = dot / scale;
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j < s; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int e = 0; e < d; e++) {
                    double acc = 0;
                    for (int j = 0; j < s; j++) {
                        acc += scores[j] / sum * v[j][h * d + e];
                    }
                    ctx[i][h * d + e] = (float) acc;
                }
            }
        }
        float[][] a = linear(ctx, p + (distil ? "attention.out_lin" : "attention.output.dense"), hidden);
        float[][] h1 = layerNorm(add(a, x), p + (distil ? "sa_layer_norm" : "attention.output.LayerNorm"));
        float[][] up = linear(h1, p + (distil ? "ffn.lin1" : "intermediate.dense"), intermediate);
        for (float[] row : up) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) (0.5 * row[i] * (1 + erf(row[i] / Math.sqrt(2))));
            }
        }
        float[][] down = linear(up, p + (distil ? "ffn.lin2" : "output.dense"), hidden);
        return layerNorm(add(down, h1), p + (distil ? "output_layer_norm" : "output.LayerNorm"));
    }

    /**
     * DeBERTa's log-bucketed relative position, from the paper's formula: exact within half the bucket count, then
     * {@code sign · (mid + ceil(log(|r| / mid) / log((max - 1) / mid) · (mid - 1)))}.
     */
    private static long bucket(int r) {
        int mid = TinyCheckpoint.DEBERTA_BUCKETS / 2;
        if (Math.abs(r) <= mid) {
            return r;
        }
        double log = Math.log(Math.abs(r) / (double) mid) / Math.log((TinyCheckpoint.DEBERTA_MAX_RELATIVE - 1) / (double) mid);
        return (long) Math.signum(r) * (mid + (long) Math.ceil(log * (mid - 1)));
    }

    /** A [rows, hidden] tensor as rows. */
    private float[][] rows(String name) {
        float[] flat = w.get(name);
        float[][] out = new float[flat.length / hidden][hidden];
        for (int r = 0; r < out.length; r++) {
            System.arraycopy(flat, r * hidden, out[r], 0, hidden);
        }
        return out;
    }

    /** y = x Wᵀ + b with W stored [out,in] as in PyTorch. */
    private float[][] linear(float[][] x, String name, int out) {
        float[] weight = w.get(name + ".weight");
        float[] bias = w.get(name + ".bias");
        int in = x[0].length;
        float[][] y = new float[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double acc = bias[o];
                for (int i = 0; i < in; i++) {
                    acc += x[t][i] * weight[o * in + i];
                }
                y[t][o] = (float) acc;
            }
        }
        return y;
    }

    private float[][] layerNorm(float[][] x, String name) {
        float[] gamma = w.get(name + ".weight");
        float[] beta = w.get(name + ".bias");
        float[][] y = new float[x.length][hidden];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (float v : x[t]) {
                mean += v;
            }
            mean /= hidden;
            double var = 0;
            for (float v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= hidden;
            for (int e = 0; e < hidden; e++) {
                y[t][e] = (float) ((x[t][e] - mean) / Math.sqrt(var + 1e-12) * gamma[e] + beta[e]);
            }
        }
        return y;
    }

    private static float[][] add(float[][] a, float[][] b) {
        float[][] y = new float[a.length][a[0].length];
        for (int t = 0; t < a.length; t++) {
            for (int e = 0; e < a[0].length; e++) {
                y[t][e] = a[t][e] + b[t][e];
            }
        }
        return y;
    }

    /** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), enough for a 1e-4 comparison. */
    private static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
                * t * Math.exp(-x * x);
        return Math.signum(x) * y;
    }
}
