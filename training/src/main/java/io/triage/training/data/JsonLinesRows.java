package io.triage.training.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads one JSON object per line; text and label fields are named by the options' columns. */
final class JsonLinesRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLinesRows() {}

    static RawTable read(Path file, ReadSettings o) throws IOException {
        if (o.labelColumns() != null && o.labelColumns().contains(ReadSettings.ALL_OTHER_COLUMNS)) {
            throw new DatasetException("JSONL fields have no order: name the label fields of " + file);
        }
        List<RawRow> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long line = 0;
            for (String s; (s = reader.readLine()) != null && (o.limit() == 0 || rows.size() < o.limit()); ) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(s);
                } catch (JsonProcessingException e) {
                    throw DatasetException.at(file, line, "not valid JSON: " + e.getOriginalMessage());
                }
                if (!node.isObject()) {
                    throw DatasetException.at(file, line, "expected a JSON object per line, found " + node.getNodeType());
                }
                String text = field(node, o.textColumn(), file, line);
                String pair = o.pairColumn() == null ? null : field(node, o.pairColumn(), file, line);
                rows.add(o.multiLabel() ? RawRow.multi(text, pair, labelSet(node, o, file, line), line)
                        : new RawRow(text, pair, field(node, o.labelColumn(), file, line).strip(), line));
            }
        }
        return new RawTable(rows, o.labelColumns());
    }

    /** One 0/1 field per label, or the label field as an array of names or a separated list. */
    private static List<String> labelSet(JsonNode node, ReadSettings o, Path file, long line) throws DatasetException {
        if (o.labelColumns() != null) {
            String[] values = new String[o.labelColumns().size()];
            int[] columns = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = field(node, o.labelColumns().get(i), file, line);
                columns[i] = i;
            }
            return LabelFields.fromColumns(o.labelColumns(), columns, values, file, line);
        }
        JsonNode v = node.get(o.labelColumn());
        if (v != null && v.isArray()) {
            List<String> labels = new ArrayList<>();
            for (JsonNode l : v) {
                if (!l.isTextual()) {
                    throw DatasetException.at(file, line, "field '" + o.labelColumn() + "' must list label names");
                }
                labels.add(l.asText());
            }
            return LabelFields.fromList(String.join(o.labelSeparator(), labels), o.labelSeparator(), file, line);
        }
        return LabelFields.fromList(field(node, o.labelColumn(), file, line), o.labelSeparator(), file, line);
    }

    private static String field(JsonNode node, String name, Path file, long line) throws DatasetException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw DatasetException.at(file, line, "no '" + name + "' field (fields: " + fieldNames(node) + ")");
        }
        if (!v.isValueNode()) {
            throw DatasetException.at(file, line, "field '" + name + "' must be a string or a number");
        }
        return v.asText();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
