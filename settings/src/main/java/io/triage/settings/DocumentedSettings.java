package io.triage.settings;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An app's settings as data: each key with its default and meaning, in the order the configuration reference lists
 * them, and the prefixes passed through to libraries. An app's config class exposes one (e.g.
 * {@code StreamAppSettings.SETTINGS}) and takes its defaults and its environment mapping from it, so the reference
 * (docs/configuration.md) and the deployment tests read the same list the app runs with.
 *
 * <p>Environment variables: {@code <envPrefix>BATCH_MAX_SIZE} sets {@code batch.max.size} (strip the prefix,
 * lower-case, underscores become dots).
 *
 * @param component    the app's name as the reference titles it, e.g. "Stream app"
 * @param envPrefix    the prefix of the environment variables that set its keys, e.g. {@code TRIAGE_}
 * @param settings     the app's own keys
 * @param passThroughs key prefixes handed on to libraries, e.g. {@code kafka.}
 */
public record DocumentedSettings(String component, String envPrefix, List<Setting> settings,
                                 List<PassThrough> passThroughs) {
    public DocumentedSettings {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(envPrefix, "envPrefix");
        settings = List.copyOf(settings);
        passThroughs = List.copyOf(passThroughs);
        if (!envPrefix.matches("[A-Z][A-Z0-9]*_")) {
            throw new IllegalArgumentException("environment prefix '" + envPrefix
                    + "' must be upper-case and end with _");
        }
        Set<String> keys = new HashSet<>();
        for (Setting s : settings) {
            if (!keys.add(s.key())) {
                throw new IllegalArgumentException(component + ": setting '" + s.key() + "' is listed twice");
            }
            for (PassThrough p : passThroughs) {
                if (s.key().startsWith(p.prefix())) {
                    throw new IllegalArgumentException(component + ": setting '" + s.key()
                            + "' lies under the pass-through prefix '" + p.prefix() + "'");
                }
            }
        }
    }

    /** Every key with its default, in the listed order. */
    public Map<String, String> defaults() {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach(s -> out.put(s.key(), s.defaultValue()));
        return Collections.unmodifiableMap(out);
    }

    public Optional<Setting> find(String key) {
        return settings.stream().filter(s -> s.key().equals(key)).findFirst();
    }

    /** Whether the app reads {@code key}: one of its settings, or a key under a pass-through prefix. */
    public boolean accepts(String key) {
        return find(key).isPresent() || passThroughOf(key).isPresent();
    }

    /** The pass-through whose prefix {@code key} starts with, if any. */
    public Optional<PassThrough> passThroughOf(String key) {
        return passThroughs.stream().filter(p -> key.startsWith(p.prefix()) && key.length() > p.prefix().length())
                .findFirst();
    }

    /** The environment variable that sets {@code key}: {@code batch.max.size} → {@code TRIAGE_BATCH_MAX_SIZE}. */
    public String envVar(String key) {
        return envPrefix + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * The key an environment variable sets, or empty when its name does not start with the prefix (then it is not
     * a setting). The key is not checked against the list: pass-through keys are open-ended.
     */
    public Optional<String> keyOf(String envVar) {
        if (!envVar.startsWith(envPrefix) || envVar.length() == envPrefix.length()) {
            return Optional.empty();
        }
        return Optional.of(envVar.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'));
    }
}
