package io.triage.model.gpucheck;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The check's results: one JSON document (sections of figures) and the same figures as a flat TSV
 * ({@code section, name, value, unit}). Both files are rewritten after every section, so a run killed at its
 * time limit, or by a native crash, still leaves everything measured before.
 */
final class CheckReport {
    static final String JSON_FILE = "gpu-check.json";
    static final String TSV_FILE = "gpu-check.tsv";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final ObjectNode root = JSON.createObjectNode();
    private final StringBuilder tsv = new StringBuilder("section\tname\tvalue\tunit\n");

    CheckReport(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** The JSON object of a section, created on first use. */
    ObjectNode section(String name) {
        return root.has(name) ? (ObjectNode) root.get(name) : root.putObject(name);
    }

    /** One figure, also kept in the TSV. */
    void figure(String section, String name, double value, String unit) {
        tsv.append(section).append('\t').append(name).append('\t')
                .append(String.format(Locale.ROOT, "%.6g", value)).append('\t').append(unit).append('\n');
    }

    /** One non-numeric fact, also kept in the TSV. */
    void fact(String section, String name, String value) {
        tsv.append(section).append('\t').append(name).append('\t').append(value.replaceAll("[\t\n]", " "))
                .append("\t\n");
    }

    /** Records why a section did not run or did not finish. */
    void skipped(String section, String reason) {
        section(section).put("skipped", reason);
        fact(section, "skipped", reason);
        flush();
    }

    /** Writes both files (each through a temporary file, so a reader never sees half of one). */
    void flush() {
        try {
            write(JSON_FILE, JSON.writeValueAsString(root));
            write(TSV_FILE, tsv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the check's results to " + dir, e);
        }
    }

    private void write(String name, String content) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
