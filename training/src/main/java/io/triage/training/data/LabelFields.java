package io.triage.training.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Reads the labels of one multi-label row: 0/1 label columns, or a separated list in the label field. */
final class LabelFields {
    private LabelFields() {}

    /** The names of the columns whose value is 1; a value other than 0 or 1 is an error at its line. */
    static List<String> fromColumns(List<String> names, int[] columns, String[] row, Path file, long line)
            throws DatasetException {
        List<String> set = new ArrayList<>();
        for (int c : columns) {
            String v = row[c].strip();
            if (v.equals("1")) {
                set.add(names.get(c));
            } else if (!v.equals("0")) {
                throw DatasetException.at(file, line, "label column '" + names.get(c) + "' is '" + shortened(v)
                        + "', not 0 or 1");
            }
        }
        return set;
    }

    /** The labels of a separated list ("" holds none); a label given twice is an error at its line. */
    static List<String> fromList(String field, String separator, Path file, long line) throws DatasetException {
        List<String> set = new ArrayList<>();
        if (field.isBlank()) {
            return set;
        }
        for (String part : field.split(java.util.regex.Pattern.quote(separator), -1)) {
            String label = part.strip();
            if (label.isEmpty()) {
                throw DatasetException.at(file, line, "empty label in the list '" + shortened(field) + "'");
            }
            set.add(label);
        }
        if (new LinkedHashSet<>(set).size() != set.size()) {
            throw DatasetException.at(file, line, "a label is listed twice in '" + shortened(field) + "'");
        }
        return set;
    }

    /** The label columns: the given names, or every column after the text (and pair) column for {@code *}. */
    static int[] columns(List<String> names, ReadSettings o, int text, int pair, String where) throws DatasetException {
        if (o.labelColumns().equals(List.of(ReadSettings.ALL_OTHER_COLUMNS))) {
            int first = Math.max(text, pair) + 1;
            if (first >= names.size()) {
                throw new DatasetException("no label columns after the text column in " + where + ": columns are " + names);
            }
            int[] out = new int[names.size() - first];
            for (int i = 0; i < out.length; i++) {
                out[i] = first + i;
            }
            return out;
        }
        int[] out = new int[o.labelColumns().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = names.indexOf(o.labelColumns().get(i));
            if (out[i] < 0) {
                throw new DatasetException("label column '" + o.labelColumns().get(i) + "' not found in " + where
                        + ": columns are " + names);
            }
        }
        return out;
    }

    private static String shortened(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
