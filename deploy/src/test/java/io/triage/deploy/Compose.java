package io.triage.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** A docker-compose file, optionally with override files merged in as {@code docker compose -f a -f b} does. */
final class Compose {
    private static final YAMLMapper YAML = new YAMLMapper();

    private final JsonNode root;

    private Compose(JsonNode root) {
        this.root = root;
    }

    static Compose read(String... files) {
        JsonNode merged = null;
        for (String file : files) {
            JsonNode tree = parse(file);
            merged = merged == null ? tree : merge(merged, tree);
        }
        return new Compose(merged);
    }

    static JsonNode parse(String file) {
        try {
            return YAML.readTree(Repo.read(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    /** Compose's merge for the parts used here: mappings merge key by key, anything else is replaced. */
    private static JsonNode merge(JsonNode base, JsonNode override) {
        if (!(base instanceof ObjectNode b) || !override.isObject()) {
            return override.deepCopy();
        }
        ObjectNode out = b.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = override.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode current = out.get(e.getKey());
            out.set(e.getKey(), current == null ? e.getValue().deepCopy() : merge(current, e.getValue()));
        }
        return out;
    }

    JsonNode service(String name) {
        JsonNode s = root.path("services").path(name);
        if (!s.isObject()) {
            throw new AssertionError("compose has no service '" + name + "'");
        }
        return s;
    }

    /** A service's environment (the mapping form), values as text. */
    Map<String, String> environment(String service) {
        JsonNode env = service(service).path("environment");
        if (!env.isObject()) {
            throw new AssertionError("service " + service + ": write `environment` as a mapping");
        }
        Map<String, String> out = new LinkedHashMap<>();
        env.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** The container port published for {@code hostPort}, from {@code "host:container"} entries. */
    int publishedContainerPort(String service, int hostPort) {
        for (JsonNode p : service(service).path("ports")) {
            String[] parts = p.asText().split(":");
            if (parts.length == 2 && Integer.parseInt(parts[0]) == hostPort) {
                return Integer.parseInt(parts[1]);
            }
        }
        throw new AssertionError("service " + service + " publishes no host port " + hostPort);
    }

    String image(String service) {
        return service(service).path("image").asText();
    }
}
