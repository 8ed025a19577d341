package io.triage.training.data;

import io.triage.model.text.TextInput;

import java.util.List;

/**
 * One labeled example.
 *
 * @param label index into the data set's labels; for a multi-label example its first label, or -1 when none applies
 * @param line where it was read (1-based line of its file), or 0 when it did not come from a file
 * @param labelSet indices of every label that applies, ascending: exactly {@code label} for single-label data
 */
public record Example(TextInput input, int label, int line, List<Integer> labelSet) {

    public Example {
        labelSet = List.copyOf(labelSet);
    }

    /** A single-label example. */
    public Example(TextInput input, int label, int line) {
        this(input, label, line, List.of(label));
    }

    /** A multi-label example: any number of labels apply, none included. */
    public static Example multi(TextInput input, List<Integer> labelSet, int line) {
        List<Integer> sorted = labelSet.stream().sorted().distinct().toList();
        return new Example(input, sorted.isEmpty() ? -1 : sorted.get(0), line, sorted);
    }
}
