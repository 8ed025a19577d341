package io.triage.model.drift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A version's reference distributions, computed by the trainer on its validation set and saved in the artifact as
 * {@value #FILE}: the shares of predicted labels, of confidence bins and of token-length bins ({@link DriftBins}).
 * The stream app compares live windows against them ({@link Psi}).
 */
public record ReferenceProfile(List<String> labels, long examples, double[] labelShares, double[] confidenceShares,
                               double[] lengthShares) {
    public static final String FILE = "reference.json";
    private static final int FORMAT = 1;
    /** A reference file larger than this is refused unread: it comes from a folder that was downloaded. */
    private static final long MAX_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ReferenceProfile {
        labels = List.copyOf(labels);
        check(labelShares, labels.size(), "label_shares");
        check(confidenceShares, DriftBins.CONFIDENCE_BINS, "confidence_shares");
        check(lengthShares, DriftBins.LENGTH_BINS, "length_shares");
        if (examples < 1) {
            throw new IllegalArgumentException("a reference of no examples");
        }
    }

    public static ReferenceProfile of(List<String> labels, DriftCounts counts) {
        return new ReferenceProfile(labels, counts.total(), Psi.shares(counts.labels()),
                Psi.shares(counts.confidence()), Psi.shares(counts.length()));
    }

    /** Shares must be finite, in [0, 1], one per bin, and add up to 1. */
    private static void check(double[] shares, int bins, String field) {
        if (shares == null || shares.length != bins) {
            throw new IllegalArgumentException(field + ": expected " + bins + " shares, got "
                    + (shares == null ? "none" : shares.length));
        }
        double sum = 0;
        for (double s : shares) {
            if (!(s >= 0 && s <= 1)) {
                throw new IllegalArgumentException(field + ": share out of [0, 1]: " + s);
            }
            sum += s;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException(field + ": shares add up to " + sum + ", not 1");
        }
    }

    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("examples", examples);
        ArrayNode names = root.putArray("labels");
        labels.forEach(names::add);
        put(root, "label_shares", labelShares);
        put(root, "confidence_shares", confidenceShares);
        put(root, "length_shares", lengthShares);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a reference profile", e);
        }
    }

    private static void put(ObjectNode root, String field, double[] values) {
        ArrayNode array = root.putArray(field);
        for (double v : values) {
            array.add(v);
        }
    }

    /**
     * The reference of the artifact in {@code folder}; empty when it has none (artifacts from before drift).
     *
     * @throws IOException when the file is there but unreadable, too large or not a valid reference
     */
    public static Optional<ReferenceProfile> read(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IOException(file + " is larger than " + MAX_BYTES + " bytes");
            }
            return Optional.of(parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    static ReferenceProfile parse(String json) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IOException(FILE + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || root.path("format").asInt(-1) != FORMAT) {
            throw new IOException(FILE + " is not a format-" + FORMAT + " reference profile");
        }
        List<String> labels = new ArrayList<>();
        for (JsonNode label : root.path("labels")) {
            if (!label.isTextual()) {
                throw new IOException(FILE + ": labels must be strings");
            }
            labels.add(label.asText());
        }
        try {
            return new ReferenceProfile(labels, root.path("examples").asLong(0), doubles(root, "label_shares"),
                    doubles(root, "confidence_shares"), doubles(root, "length_shares"));
        } catch (IllegalArgumentException e) {
            throw new IOException(FILE + ": " + e.getMessage(), e);
        }
    }

    private static double[] doubles(JsonNode root, String field) throws IOException {
        JsonNode array = root.path(field);
        if (!array.isArray()) {
            throw new IOException(FILE + ": " + field + " must be an array of numbers");
        }
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            if (!array.get(i).isNumber()) {
                throw new IOException(FILE + ": " + field + " must be an array of numbers");
            }
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
