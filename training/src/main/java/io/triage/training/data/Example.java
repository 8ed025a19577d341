package io.triage.training.data;

import io.triage.model.text.TextInput;

/**
 * One labeled example.
 *
 * @param label index into the data set's labels
 * @param line where it was read (1-based line of its file), or 0 when it did not come from a file
 */
public record Example(TextInput input, int label, int line) {}
