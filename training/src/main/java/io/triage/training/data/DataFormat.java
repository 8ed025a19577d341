package io.triage.training.data;

import java.nio.file.Path;
import java.util.Locale;

/** How a labeled-data file is laid out; picked from the file name unless given. */
public enum DataFormat {
    /** Comma-separated, header line, double-quote quoting (RFC 4180). */
    CSV(',', true, true),
    /** Tab-separated with a header line; quotes are ordinary characters (texts such as MRPC's contain them). */
    TSV('\t', true, false),
    /** One JSON object per line. */
    JSONL('\0', false, false),
    /**
     * One example per line, no header, no quoting: {@code text;label} by default, the layout of the emotion
     * data set and of many hand-made files.
     */
    TEXT(';', false, false);

    private final char separator;
    private final boolean header;
    private final boolean quoting;

    DataFormat(char separator, boolean header, boolean quoting) {
        this.separator = separator;
        this.header = header;
        this.quoting = quoting;
    }

    public char defaultSeparator() {
        return separator;
    }

    public boolean defaultHeader() {
        return header;
    }

    public boolean defaultQuoting() {
        return quoting;
    }

    /** {@code .csv}, {@code .tsv}, {@code .jsonl}/{@code .json}/{@code .ndjson}, {@code .txt}. */
    public static DataFormat fromFileName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        return switch (ext) {
            case "csv" -> CSV;
            case "tsv", "tab" -> TSV;
            case "jsonl", "json", "ndjson" -> JSONL;
            case "txt", "text" -> TEXT;
            default -> throw new IllegalArgumentException("cannot tell the format of " + file
                    + " from its name: give it (csv, tsv, jsonl or text)");
        };
    }

    public static DataFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown data format '" + name + "': use csv, tsv, jsonl or text");
        }
    }
}
