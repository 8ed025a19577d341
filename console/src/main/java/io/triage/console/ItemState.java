package io.triage.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Where one event stands in the console: waiting, leased to a reviewer until a time, or labeled. The value of its
 * record on the state topic (JSON, keyed by event id), so that the console rebuilds its queue after a restart.
 */
record ItemState(Kind kind, String reviewer, long leasedUntil, String label) {
    enum Kind { WAITING, LEASED, DONE }

    private static final ObjectMapper JSON = new ObjectMapper();
    static final ItemState WAITING = new ItemState(Kind.WAITING, null, 0, null);

    static ItemState leased(String reviewer, long until) {
        return new ItemState(Kind.LEASED, reviewer, until, null);
    }

    static ItemState done(String reviewer, String label) {
        return new ItemState(Kind.DONE, reviewer, 0, label);
    }

    /** Held by someone other than {@code reviewer} at {@code now}. */
    boolean heldByAnotherAt(String reviewer, long now) {
        return kind == Kind.LEASED && leasedUntil > now && !reviewer.equals(this.reviewer);
    }

    byte[] toJson() {
        ObjectNode node = JSON.createObjectNode().put("state", kind.name());
        if (reviewer != null) {
            node.put("reviewer", reviewer);
        }
        if (kind == Kind.LEASED) {
            node.put("until", leasedUntil);
        }
        if (label != null) {
            node.put("label", label);
        }
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws IllegalArgumentException for anything that is not a state this class wrote */
    static ItemState fromJson(byte[] bytes) {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject() || !node.path("state").isTextual()) {
            throw new IllegalArgumentException("not a state object");
        }
        Kind kind = Kind.valueOf(node.get("state").asText()); // IllegalArgumentException for an unknown one
        String reviewer = node.path("reviewer").isTextual() ? node.get("reviewer").asText() : null;
        String label = node.path("label").isTextual() ? node.get("label").asText() : null;
        if (kind != Kind.WAITING && reviewer == null || kind == Kind.DONE && label == null) {
            throw new IllegalArgumentException(kind + " without its reviewer or label");
        }
        return new ItemState(kind, reviewer, node.path("until").asLong(0), label);
    }
}
