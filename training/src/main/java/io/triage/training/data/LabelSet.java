package io.triage.training.data;

import java.math.BigInteger;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Label names in index order, and how label values in data files map to indices: by name, or — for an
 * explicitly given label list — an integer value that is no label name by position (0 → the first label).
 */
final class LabelSet {
    private final List<String> labels;
    private final boolean numericByIndex;
    private final Map<String, Integer> byName = new HashMap<>();

    private LabelSet(List<String> labels, boolean numericByIndex) {
        this.labels = List.copyOf(labels);
        this.numericByIndex = numericByIndex;
        for (int i = 0; i < labels.size(); i++) {
            if (byName.put(labels.get(i), i) != null) {
                throw new IllegalArgumentException("label '" + labels.get(i) + "' is given twice in " + labels);
            }
        }
    }

    /** Labels given by the user, in their order; integer values map by index. */
    static LabelSet explicit(List<String> labels) {
        return new LabelSet(labels, true);
    }

    /** Labels of an existing label set (e.g. the training data's); values must be label names. */
    static LabelSet known(List<String> labels) {
        return new LabelSet(labels, false);
    }

    /**
     * The distinct values, sorted: numerically when all are integers (so 10 comes after 9), else by string.
     * A stable order makes the same data give the same model outputs.
     */
    static LabelSet sortedDistinct(Collection<String> values) {
        List<String> distinct = List.copyOf(new HashSet<>(values));
        boolean integers = distinct.stream().allMatch(LabelSet::isInteger);
        Comparator<String> order = integers ? Comparator.comparing(BigInteger::new) : Comparator.naturalOrder();
        return new LabelSet(distinct.stream().sorted(order).toList(), false);
    }

    List<String> labels() {
        return labels;
    }

    /** The index of a value, or -1 when it is no label. */
    int indexOf(String value) {
        Integer i = byName.get(value);
        if (i != null) {
            return i;
        }
        if (numericByIndex && isInteger(value)) {
            BigInteger n = new BigInteger(value);
            if (n.signum() >= 0 && n.compareTo(BigInteger.valueOf(labels.size())) < 0) {
                return n.intValue();
            }
        }
        return -1;
    }

    /** Explains why {@link #indexOf} gave -1. */
    String unknown(String value) {
        if (numericByIndex) {
            return "label '" + value + "' is not one of the given labels " + labels
                    + (isInteger(value) ? " (as an index it is outside 0.." + (labels.size() - 1) + ")" : "");
        }
        return "label '" + value + "' does not occur in the training data's labels " + labels
                + "; give the full label list with --labels";
    }

    private static boolean isInteger(String s) {
        return s.matches("-?\\d+");
    }
}
