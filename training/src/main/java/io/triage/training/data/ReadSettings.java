package io.triage.training.data;

import java.util.List;

/**
 * How to read labeled examples from a file; {@code null} means "the format's default".
 *
 * @param format {@code null}: from the file name ({@link DataFormat#fromFileName})
 * @param separator field separator of the delimited formats
 * @param header whether the first line names the columns; by default yes for CSV/TSV, but no when
 *     {@code names} are given (as pandas does)
 * @param names column names, in file order, for files without a header line (or to replace it); without a
 *     header and without names the columns are text, (pair,) label
 * @param quoting whether {@code "} quotes fields (doubled inside); by default only for CSV
 * @param textColumn the column (JSONL: field) holding the text
 * @param pairColumn the second text of sentence-pair tasks, or {@code null}
 * @param labelColumn the column holding the label
 * @param labels explicit label order; then a value that is an integer and no label name maps to the label at
 *     that index (0/1 → not_equivalent/equivalent). {@code null}: the labels found in the training data, sorted
 * @param limit read at most this many examples per file; 0 reads all
 * @param labelColumns multi-label data with one 0/1 column per label (the SemEval-2018 E-c layout), the columns
 *     being the labels; {@code ["*"]}: every column after the text (and pair) column. {@code null}: not this layout
 * @param labelSeparator multi-label data whose label column lists the labels that apply, separated by this (e.g.
 *     {@code |}; an empty field: none apply; in JSONL an array works too). {@code null}: one label per example
 */
public record ReadSettings(DataFormat format, Character separator, Boolean header, List<String> names, Boolean quoting,
        String textColumn, String pairColumn, String labelColumn, List<String> labels, int limit,
        List<String> labelColumns, String labelSeparator) {

    public static final ReadSettings DEFAULTS = new ReadSettings(null, null, null, null, null, "text", null, "label", null, 0,
            null, null);
    /** {@link #labelColumns}: every column after the text (and pair) column. */
    public static final String ALL_OTHER_COLUMNS = "*";

    /** One label per example. */
    public ReadSettings(DataFormat format, Character separator, Boolean header, List<String> names, Boolean quoting,
            String textColumn, String pairColumn, String labelColumn, List<String> labels, int limit) {
        this(format, separator, header, names, quoting, textColumn, pairColumn, labelColumn, labels, limit, null, null);
    }

    public ReadSettings {
        names = names == null ? null : List.copyOf(names);
        labels = labels == null ? null : List.copyOf(labels);
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 (all) or positive, got " + limit);
        }
        labelColumns = labelColumns == null ? null : List.copyOf(labelColumns);
        if (labelColumns != null && labelColumns.isEmpty()) {
            throw new IllegalArgumentException("label columns given but empty");
        }
        if (labelColumns != null && labelSeparator != null) {
            throw new IllegalArgumentException("multi-label data has label columns or a label list, not both");
        }
        if (labelSeparator != null && labelSeparator.isEmpty()) {
            throw new IllegalArgumentException("the label list separator is empty");
        }
    }

    public ReadSettings withFormat(DataFormat f) {
        return new ReadSettings(f, separator, header, names, quoting, textColumn, pairColumn, labelColumn, labels, limit,
                labelColumns, labelSeparator);
    }

    public ReadSettings withSeparator(Character s) {
        return new ReadSettings(format, s, header, names, quoting, textColumn, pairColumn, labelColumn, labels, limit,
                labelColumns, labelSeparator);
    }

    public ReadSettings withHeader(Boolean h) {
        return new ReadSettings(format, separator, h, names, quoting, textColumn, pairColumn, labelColumn, labels, limit,
                labelColumns, labelSeparator);
    }

    public ReadSettings withNames(List<String> n) {
        return new ReadSettings(format, separator, header, n, quoting, textColumn, pairColumn, labelColumn, labels, limit,
                labelColumns, labelSeparator);
    }

    public ReadSettings withQuoting(Boolean q) {
        return new ReadSettings(format, separator, header, names, q, textColumn, pairColumn, labelColumn, labels, limit,
                labelColumns, labelSeparator);
    }

    public ReadSettings withColumns(String text, String pair, String label) {
        return new ReadSettings(format, separator, header, names, quoting, text, pair, label, labels, limit,
                labelColumns, labelSeparator);
    }

    public ReadSettings withLabels(List<String> l) {
        return new ReadSettings(format, separator, header, names, quoting, textColumn, pairColumn, labelColumn, l, limit,
                labelColumns, labelSeparator);
    }

    /** One 0/1 column per label ({@link #ALL_OTHER_COLUMNS}: every column after the text ones). */
    public ReadSettings withLabelColumns(List<String> columns) {
        return new ReadSettings(format, separator, header, names, quoting, textColumn, pairColumn, labelColumn, labels,
                limit, columns, null);
    }

    /** The label column lists the labels that apply, separated by {@code s}. */
    public ReadSettings withLabelSeparator(String s) {
        return new ReadSettings(format, separator, header, names, quoting, textColumn, pairColumn, labelColumn, labels,
                limit, null, s);
    }

    /** Whether each example has a set of labels (any number, none included) rather than one. */
    public boolean multiLabel() {
        return labelColumns != null || labelSeparator != null;
    }

    public ReadSettings withLimit(int n) {
        return new ReadSettings(format, separator, header, names, quoting, textColumn, pairColumn, labelColumn, labels, n,
                labelColumns, labelSeparator);
    }
}
