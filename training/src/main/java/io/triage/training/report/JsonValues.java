package io.triage.training.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Lenient reads of metrics.json values: a missing key, a JSON null or a value of the wrong type all read as
 * "absent", so the report can say "not available" instead of failing.
 */
final class JsonValues {
    private JsonValues() {
    }

    static OptionalDouble number(JsonNode node) {
        if (node != null && node.isNumber() && Double.isFinite(node.asDouble())) {
            return OptionalDouble.of(node.asDouble());
        }
        return OptionalDouble.empty();
    }

    static Optional<String> text(JsonNode node) {
        if (node != null && (node.isTextual() || node.isNumber() || node.isBoolean())) {
            return Optional.of(node.asText());
        }
        return Optional.empty();
    }

    /** The array's textual elements (others skipped); empty when {@code node} is not an array. */
    static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(e -> text(e).ifPresent(out::add));
        }
        return out;
    }

    /** The array's numbers; empty when it is not an array or any element is not a finite number. */
    static Optional<double[]> numbers(JsonNode node) {
        if (node == null || !node.isArray()) {
            return Optional.empty();
        }
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            OptionalDouble v = number(node.get(i));
            if (v.isEmpty()) {
                return Optional.empty();
            }
            out[i] = v.getAsDouble();
        }
        return Optional.of(out);
    }

    /** A {@code size} x {@code size} matrix of finite numbers, or empty when the node is anything else. */
    static Optional<double[][]> squareMatrix(JsonNode node, int size) {
        if (node == null || !node.isArray() || node.size() != size) {
            return Optional.empty();
        }
        double[][] out = new double[size][];
        for (int i = 0; i < size; i++) {
            Optional<double[]> row = numbers(node.get(i));
            if (row.isEmpty() || row.get().length != size) {
                return Optional.empty();
            }
            out[i] = row.get();
        }
        return Optional.of(out);
    }

    /** An object of label to count, in the object's order; entries that are not numbers are skipped. */
    static Map<String, Double> counts(JsonNode node) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> number(e.getValue()).ifPresent(v -> out.put(e.getKey(), v)));
        }
        return out;
    }
}
