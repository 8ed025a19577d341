package io.triage.training.data;

import io.triage.model.text.TextInput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Labeled examples and the label set they index into.
 *
 * @param source where the examples came from (a file name, a topic), for messages and reports
 * @param labels class names in label-index order (the model's output order)
 * @param multiLabel whether each example has a set of labels (any number, none included) rather than one
 */
public record Dataset(String source, List<String> labels, List<Example> examples, boolean multiLabel) {

    public Dataset {
        labels = List.copyOf(labels);
        examples = List.copyOf(examples);
        for (Example e : examples) {
            if (!multiLabel && (e.label() < 0 || e.label() >= labels.size())) {
                throw new IllegalArgumentException("example label index " + e.label() + " outside the "
                        + labels.size() + " labels of " + source);
            }
            for (int l : e.labelSet()) {
                if (l < 0 || l >= labels.size()) {
                    throw new IllegalArgumentException("example label index " + l + " outside the "
                            + labels.size() + " labels of " + source);
                }
            }
        }
    }

    /** Single-label examples. */
    public Dataset(String source, List<String> labels, List<Example> examples) {
        this(source, labels, examples, false);
    }

    /** Each example's labels as a 0/1 row, one entry per label (what multi-label training targets). */
    public float[][] labelSets() {
        float[][] out = new float[examples.size()][labels.size()];
        for (int i = 0; i < out.length; i++) {
            for (int l : examples.get(i).labelSet()) {
                out[i][l] = 1f;
            }
        }
        return out;
    }

    public int size() {
        return examples.size();
    }

    public boolean isEmpty() {
        return examples.isEmpty();
    }

    public List<TextInput> inputs() {
        return examples.stream().map(Example::input).toList();
    }

    public int[] labelIds() {
        return examples.stream().mapToInt(Example::label).toArray();
    }

    /** Examples per label, in label order (labels without examples count 0); multi-label: examples it applies to. */
    public Map<String, Integer> classCounts() {
        int[] counts = new int[labels.size()];
        for (Example e : examples) {
            for (int l : e.labelSet()) {
                counts[l]++;
            }
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            out.put(labels.get(i), counts[i]);
        }
        return out;
    }

    /** The examples at {@code indices}, in that order. */
    public Dataset subset(String subsetSource, int[] indices) {
        List<Example> chosen = new ArrayList<>(indices.length);
        for (int i : indices) {
            chosen.add(examples.get(i));
        }
        return new Dataset(subsetSource, labels, chosen, multiLabel);
    }

    /** The first {@code n} examples (all when there are fewer). */
    public Dataset first(int n) {
        return n >= examples.size() ? this : new Dataset(source, labels, examples.subList(0, n), multiLabel);
    }
}
