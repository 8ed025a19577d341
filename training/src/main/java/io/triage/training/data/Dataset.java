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
 */
public record Dataset(String source, List<String> labels, List<Example> examples) {

    public Dataset {
        labels = List.copyOf(labels);
        examples = List.copyOf(examples);
        for (Example e : examples) {
            if (e.label() < 0 || e.label() >= labels.size()) {
                throw new IllegalArgumentException("example label index " + e.label() + " outside the "
                        + labels.size() + " labels of " + source);
            }
        }
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

    /** Examples per label, in label order (labels without examples count 0). */
    public Map<String, Integer> classCounts() {
        int[] counts = new int[labels.size()];
        for (Example e : examples) {
            counts[e.label()]++;
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
        return new Dataset(subsetSource, labels, chosen);
    }

    /** The first {@code n} examples (all when there are fewer). */
    public Dataset first(int n) {
        return n >= examples.size() ? this : new Dataset(source, labels, examples.subList(0, n));
    }
}
