package io.triage.training.data;

import java.util.List;

/**
 * The rows of a data file and, for one-column-per-label files, the label columns in file order (the labels of
 * the data set, even those no row has); {@code null} otherwise.
 */
record RawTable(List<RawRow> rows, List<String> labelColumns) {}
