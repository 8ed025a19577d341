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
        List<RawRow> rows = rows(file);
        LabelSet labels;
        if (options.labels() != null) {
            labels = LabelSet.explicit(options.labels());
        } else {
            labels = LabelSet.sortedDistinct(rows.stream().map(RawRow::label).toList());
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
        return toDataset(file, rows(file), set);
    }

    private List<RawRow> rows(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("data file " + file + " not found");
        }
        DataFormat format = options.format() != null ? options.format() : DataFormat.fromFileName(file);
        List<RawRow> rows = format == DataFormat.JSONL ? JsonLinesRows.read(file, options)
                : DelimitedRows.read(file, format, options);
        if (rows.isEmpty()) {
            throw new DatasetException(file + " holds no examples");
        }
        return rows;
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
            if (r.label().isEmpty()) {
                throw DatasetException.at(file, r.line(), "empty label (column '" + options.labelColumn() + "')");
            }
            int label = labels.indexOf(r.label());
            if (label < 0) {
                throw DatasetException.at(file, r.line(), labels.unknown(r.label()));
            }
            TextInput input = r.pair() == null ? TextInput.of(r.text()) : TextInput.pair(r.text(), r.pair());
            examples.add(new Example(input, label, Math.toIntExact(r.line())));
        }
        return new Dataset(file.toString(), labels.labels(), examples);
    }
}
