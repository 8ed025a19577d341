package io.triage.settings;

import java.util.Objects;

/**
 * Keys under {@code prefix} that an app hands on, minus the prefix, to a library it uses: {@code kafka.*} to Kafka's
 * clients, so that, for example, security settings need no code.
 */
public record PassThrough(String prefix, String description) {
    public PassThrough {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(description, "description of " + prefix);
        if (!prefix.endsWith(".") || !Setting.KEY.matcher(prefix.substring(0, prefix.length() - 1)).matches()) {
            throw new IllegalArgumentException("pass-through prefix '" + prefix
                    + "' must be lower-case words joined by dots, ending with a dot");
        }
    }
}
