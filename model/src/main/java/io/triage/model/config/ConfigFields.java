package io.triage.model.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads fields of a config.json strictly: a value of the wrong type or out of range is an error naming the
 * field, where Jackson's {@code asInt} would quietly turn {@code "abc"} into 0 and {@code 1e12} into garbage.
 */
public final class ConfigFields {
    private ConfigFields() {}

    /** A required integer in {@code min..max}. */
    public static int integer(JsonNode config, String field, long min, long max) {
        return readInteger(config, field, null, min, max);
    }

    /** An integer in {@code min..max}; {@code fallback} when absent. */
    public static int integer(JsonNode config, String field, int fallback, long min, long max) {
        return readInteger(config, field, fallback, min, max);
    }

    private static int readInteger(JsonNode config, String field, Integer fallback, long min, long max) {
        JsonNode v = config.get(field);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw missing(field);
            }
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("config.json field '" + field + "' is not an integer: " + abbreviated(v));
        }
        if (v.asInt() < min || v.asInt() > max) {
            throw new IllegalArgumentException("config.json field '" + field + "' is " + v.asInt() + ", outside "
                    + min + ".." + max);
        }
        return v.asInt();
    }

    /** A finite number in {@code [min, max)}; {@code fallback} when absent. */
    public static float number(JsonNode config, String field, double fallback, double min, double max) {
        JsonNode v = config.get(field);
        if (v == null || v.isNull()) {
            return (float) fallback;
        }
        if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() < max)) {
            throw new IllegalArgumentException("config.json field '" + field + "' is " + abbreviated(v)
                    + ", not a number in [" + min + ", " + max + ")");
        }
        return (float) v.asDouble();
    }

    /** A required string. */
    public static String text(JsonNode config, String field) {
        String v = text(config, field, null);
        if (v == null) {
            throw missing(field);
        }
        return v;
    }

    /** A string; {@code fallback} (which may be {@code null}) when absent. */
    public static String text(JsonNode config, String field, String fallback) {
        JsonNode v = config.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("config.json field '" + field + "' is not a string: " + abbreviated(v));
        }
        return v.asText();
    }

    /** A JSON value for an error message, cut short: a crafted file must not make a megabyte-long message. */
    public static String abbreviated(JsonNode value) {
        String text = String.valueOf(value);
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    private static IllegalArgumentException missing(String field) {
        return new IllegalArgumentException("config.json lacks required field '" + field + "'");
    }
}
