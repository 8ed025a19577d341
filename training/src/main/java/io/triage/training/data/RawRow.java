package io.triage.training.data;

import java.util.List;

/**
 * A row as read, before its label is resolved; {@code pair} is null for single texts.
 *
 * @param label the label value of single-label data ("" for multi-label rows)
 * @param labelSet the label values that apply, for multi-label data (null for single-label rows)
 */
record RawRow(String text, String pair, String label, List<String> labelSet, long line) {

    RawRow(String text, String pair, String label, long line) {
        this(text, pair, label, null, line);
    }

    static RawRow multi(String text, String pair, List<String> labelSet, long line) {
        return new RawRow(text, pair, "", List.copyOf(labelSet), line);
    }
}
