package io.triage.model.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Thresholds a multi-label classifier's sigmoid scores are compared with: a label applies when its score is at
 * least its threshold. An override replaces the artifact's thresholds for every label ({@code 0.4}), for some
 * labels ({@code anger=0.3,joy=0.6}), or both ({@code 0.4,joy=0.6}).
 *
 * @param all the threshold of every label not named, or {@code null} to keep the artifact's
 * @param perLabel thresholds of named labels
 */
public record LabelThresholds(Float all, Map<String, Float> perLabel) {
    /** Thresholds of labels an artifact does not give: a sigmoid's even odds. */
    public static final float DEFAULT = 0.5f;
    /** Keeps the artifact's thresholds. */
    public static final LabelThresholds FROM_MODEL = new LabelThresholds(null, Map.of());

    public LabelThresholds {
        perLabel = Map.copyOf(perLabel);
        if (all != null) {
            check(all, "every label");
        }
        perLabel.forEach((label, t) -> check(t, label));
    }

    /** Empty or blank: the model's own; else {@code 0.4}, {@code anger=0.3,joy=0.6} or both kinds, comma-separated. */
    public static LabelThresholds parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return FROM_MODEL;
        }
        Float all = null;
        Map<String, Float> perLabel = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            int eq = p.lastIndexOf('=');
            if (eq < 0) {
                if (all != null) {
                    throw new IllegalArgumentException("label thresholds '" + spec + "' give two defaults");
                }
                all = number(p, spec);
            } else if (perLabel.put(p.substring(0, eq).strip(), number(p.substring(eq + 1).strip(), spec)) != null) {
                throw new IllegalArgumentException("label thresholds '" + spec + "' name a label twice");
            }
        }
        return new LabelThresholds(all, perLabel);
    }

    /** Default thresholds, one per label. */
    public static List<Float> defaults(int labels) {
        return new ArrayList<>(java.util.Collections.nCopies(labels, DEFAULT));
    }

    /** The model's thresholds with this override applied; a named label the model lacks is an error. */
    public float[] resolve(List<String> labels, List<Float> modelThresholds) {
        for (String named : perLabel.keySet()) {
            if (!labels.contains(named)) {
                throw new IllegalArgumentException("label threshold for '" + named + "', which is not one of the "
                        + "model's labels " + labels);
            }
        }
        float[] out = new float[labels.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = perLabel.getOrDefault(labels.get(i), all != null ? all : modelThresholds.get(i));
        }
        return out;
    }

    /** A threshold is a probability a sigmoid can reach: in [0, 1]. */
    static void check(float t, String what) {
        if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException("threshold " + t + " of " + what + " outside [0, 1]");
        }
    }

    private static float number(String text, String spec) {
        try {
            return Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("label thresholds '" + spec + "': '" + text + "' is not a number");
        }
    }
}
