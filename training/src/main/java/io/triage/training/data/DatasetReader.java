package io.triage.training.data;

import io.triage.model.text.TextInput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads labeled examples from CSV, TSV, JSONL or plain {@code text;label} files ({@link ReadSettings}). Every
 * problem with a row — a missing field, an empty text, an unknown label — is reported with its file and line.
 */
public final class DatasetReader {
    private final ReadSettings options;

    public DatasetReader(ReadSettings options) {
        this.options = options;
    }

    /** A training file: its labels are the explicit ones, or the distinct values found in it, sorted. */
    public Dataset read(Path file) throws IOException {
        RawTable table = rows(file);
        List<RawRow> rows = table.rows();
        LabelSet labels;
        if (options.labels() != null) {
            labels = LabelSet.explicit(options.labels());
        } else if (table.labelColumns() != null) {
            labels = LabelSet.known(table.labelColumns());
        } else {
            labels = LabelSet.sortedDistinct(options.multiLabel()
                    ? rows.stream().flatMap(r -> r.labelSet().stream()).toList()
                    : rows.stream().map(RawRow::label).toList());
            if (labels.labels().size() < 2) {
                throw new DatasetException(file + " has " + labels.labels().size() + " distinct label(s) "
                        + labels.labels() + ": a classifier needs at least two");
            }
        }
        return toDataset(file, rows, labels);
    }

    /**
     * A file read against a known label list, such as validation data against the training data's labels.
     * With explicit {@link ReadSettings#labels()}, integer values still map by index.
     */
    public Dataset read(Path file, List<String> labels) throws IOException {
        LabelSet set = options.labels() != null && options.labels().equals(labels)
                ? LabelSet.explicit(labels) : LabelSet.known(labels);
        return toDataset(file, rows(file).rows(), set);
    }

    private RawTable rows(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("data file " + file + " not found");
        }
        DataFormat format = options.format() != null ? options.format() : DataFormat.fromFileName(file);
        RawTable table = format == DataFormat.JSONL ? JsonLinesRows.read(file, options)
                : DelimitedRows.read(file, format, options);
        if (table.rows().isEmpty()) {
            throw new DatasetException(file + " holds no examples");
        }
        return table;
    }

    private Dataset toDataset(Path file, List<RawRow> rows, LabelSet labels) throws DatasetException {
        List<Example> examples = new ArrayList<>(rows.size());
        for (RawRow r : rows) {
            if (r.text().isBlank()) {
                throw DatasetException.at(file, r.line(), "empty text (column '" + options.textColumn() + "')");
            }
            if (r.pair() != null && r.pair().isBlank()) {
                throw DatasetException.at(file, r.line(), "empty second text (column '" + options.pairColumn() + "')");
            }
            TextInput input = r.pair() == null ? TextInput.of(r.text()) : TextInput.pair(r.text(), r.pair());
            if (r.labelSet() != null) {
                examples.add(Example.multi(input, indices(labels, r, file), Math.toIntExact(r.line())));
                continue;
            }
            if (r.label().isEmpty()) {
                throw DatasetException.at(file, r.line(), "empty label (column '" + options.labelColumn() + "')");
            }
            int label = labels.indexOf(r.label());
            if (label < 0) {
                throw DatasetException.at(file, r.line(), labels.unknown(r.label()));
            }
            examples.add(new Example(input, label, Math.toIntExact(r.line())));
        }
        return new Dataset(file.toString(), labels.labels(), examples, options.multiLabel());
    }

    /** The label indices of a multi-label row; an unknown label is an error at its line. */
    private static List<Integer> indices(LabelSet labels, RawRow r, Path file) throws DatasetException {
        List<Integer> out = new ArrayList<>(r.labelSet().size());
        for (String value : r.labelSet()) {
            int label = labels.indexOf(value);
            if (label < 0) {
                throw DatasetException.at(file, r.line(), labels.unknown(value));
            }
            out.add(label);
        }
        return out;
    }
}
