package io.triage.settings;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One setting of an app: its key, its default ({@code ""} where the default is "none") and a one-line description
 * for the configuration reference.
 */
public record Setting(String key, String defaultValue, String description) {
    /** Lower-case words joined by dots: the only keys an environment variable can name. */
    static final Pattern KEY = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z0-9]+)*");

    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(defaultValue, "defaultValue of " + key);
        Objects.requireNonNull(description, "description of " + key);
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("setting key '" + key
                    + "' must be lower-case words joined by dots, or no environment variable could set it");
        }
        if (description.isBlank() || description.contains("\n")) {
            throw new IllegalArgumentException("setting '" + key + "' needs a one-line description");
        }
    }
}
