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

    static List<RawRow> read(Path file, ReadSettings o) throws IOException {
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
                rows.add(new RawRow(text, pair, field(node, o.labelColumn(), file, line).strip(), line));
            }
        }
        return rows;
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
