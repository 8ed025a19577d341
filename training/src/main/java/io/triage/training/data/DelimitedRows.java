package io.triage.training.data;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads CSV, TSV and plain {@code text;label} files with Jackson's CSV parser into rows with line numbers. */
final class DelimitedRows {
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();

    private DelimitedRows() {}

    static RawTable read(Path file, DataFormat format, ReadSettings o) throws IOException {
        char separator = o.separator() != null ? o.separator() : format.defaultSeparator();
        boolean quoting = o.quoting() != null ? o.quoting() : format.defaultQuoting();
        boolean header = o.header() != null ? o.header() : o.names() == null && format.defaultHeader();
        CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(separator).withoutEscapeChar();
        schema = quoting ? schema.withQuoteChar('"') : schema.withoutQuoteChar();

        List<RawRow> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                MappingIterator<String[]> it = CSV.readerFor(String[].class).with(schema).readValues(reader)) {
            List<String> names = o.names();
            if (header) {
                Row first = next(it, file);
                if (first == null) {
                    throw new DatasetException(file + " is empty: expected a header line");
                }
                if (names == null) {
                    names = Arrays.stream(first.fields()).map(String::strip).toList();
                    names = withoutByteOrderMark(names);
                }
            }
            if (names == null) {
                names = o.pairColumn() == null ? List.of(o.textColumn(), o.labelColumn())
                        : List.of(o.textColumn(), o.pairColumn(), o.labelColumn());
            }
            String where = header && o.names() == null ? "the header of " + file : "the column names " + names;
            int text = column(names, o.textColumn(), where);
            int pair = o.pairColumn() == null ? -1 : column(names, o.pairColumn(), where);
            int[] labelColumns = o.labelColumns() == null ? null : LabelFields.columns(names, o, text, pair, where);
            int label = labelColumns != null ? -1 : column(names, o.labelColumn(), where);
            while (o.limit() == 0 || rows.size() < o.limit()) {
                Row next = next(it, file);
                if (next == null) {
                    break;
                }
                String[] row = next.fields();
                long line = next.line();
                if (row.length == 0 || row.length == 1 && row[0].isBlank()) {
                    continue; // blank line
                }
                if (row.length != names.size()) {
                    throw DatasetException.at(file, line, "expected " + names.size() + " fields " + names + " separated by '"
                            + printable(separator) + "' but found " + row.length
                            + (quoting ? "" : " (a text containing the separator needs a quoted CSV, or another --sep)"));
                }
                String second = pair < 0 ? null : row[pair];
                if (labelColumns != null) {
                    rows.add(RawRow.multi(row[text], second, LabelFields.fromColumns(names, labelColumns, row, file, line), line));
                } else if (o.labelSeparator() != null) {
                    rows.add(RawRow.multi(row[text], second, LabelFields.fromList(row[label], o.labelSeparator(), file, line), line));
                } else {
                    rows.add(new RawRow(row[text], second, row[label].strip(), line));
                }
            }
            if (labelColumns != null) {
                List<String> labelNames = Arrays.stream(labelColumns).mapToObj(names::get).toList();
                return new RawTable(rows, labelNames);
            }
        }
        return new RawTable(rows, null);
    }

    private record Row(String[] fields, long line) {}

    /** The next row and the line it starts on, or null at the end; malformed quoting becomes a message with the line. */
    private static Row next(MappingIterator<String[]> it, Path file) throws DatasetException {
        long line = it.getParser().currentLocation().getLineNr(); // where the next row starts
        try {
            return it.hasNextValue() ? new Row(it.nextValue(), line) : null;
        } catch (IOException | RuntimeJsonMappingException e) {
            throw DatasetException.at(file, line, "cannot parse the row starting here: "
                    + e.getMessage().lines().findFirst().orElse("")
                    + " (quotes delimit fields in this format: turn quoting off if they are part of the text)");
        }
    }

    private static int column(List<String> names, String wanted, String where) throws DatasetException {
        int i = names.indexOf(wanted);
        if (i < 0) {
            throw new DatasetException("column '" + wanted + "' not found in " + where + ": columns are " + names);
        }
        return i;
    }

    private static List<String> withoutByteOrderMark(List<String> names) {
        if (names.isEmpty() || !names.get(0).startsWith("\uFEFF")) {
            return names;
        }
        List<String> out = new ArrayList<>(names);
        out.set(0, out.get(0).substring(1));
        return out;
    }

    private static String printable(char c) {
        return c == '\t' ? "\\t" : String.valueOf(c);
    }
}
