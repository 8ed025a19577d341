package io.triage.model.io;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file, checked against the format's rules before any tensor is read: the header
 * is an object of objects; each tensor has a known dtype, a shape of non-negative dimensions whose byte size fits a
 * long, and data offsets spanning exactly that many bytes; and the tensors, sorted by offset, tile the data region
 * (no gap, no overlap, nothing past the end of the file).
 */
final class SafetensorsHeader {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String METADATA = "__metadata__";
    /** More dimensions than any encoder tensor has; bounds what a crafted shape can make us loop over or print. */
    private static final int MAX_DIMS = 32;

    /** One tensor; {@code begin} and {@code end} are byte offsets into the data region, end exclusive. */
    record Tensor(String name, String dtype, long[] dims, long values, long begin, long end) {
        Shape shape() {
            return new Shape(dims);
        }

        @Override
        public String toString() {
            return "'" + name + "' " + dtype + " " + Arrays.toString(dims) + " at [" + begin + ", " + end + ")";
        }
    }

    private SafetensorsHeader() {}

    /**
     * @param dataLength bytes in the file after the header
     * @return the tensors in header order
     */
    static Map<String, Tensor> parse(byte[] json, long dataLength, Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": safetensors header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": safetensors header is not a JSON object");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isObject()) {
                throw new IOException(file + ": safetensors header entry '" + e.getKey() + "' is not a JSON object");
            }
            if (!e.getKey().equals(METADATA)) {
                tensors.put(e.getKey(), tensor(e.getKey(), e.getValue(), dataLength, file));
            }
        }
        requireTiling(tensors.values(), dataLength, file);
        return tensors;
    }

    /** Bytes per value of each dtype the format defines; only these can be checked against their offsets. */
    static int width(String dtype) {
        return switch (dtype) {
            case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3" -> 1;
            case "I16", "U16", "F16", "BF16" -> 2;
            case "I32", "U32", "F32" -> 4;
            case "I64", "U64", "F64" -> 8;
            default -> 0;
        };
    }

    private static Tensor tensor(String name, JsonNode meta, long dataLength, Path file) throws IOException {
        String where = file + ": tensor '" + name + "'";
        JsonNode dtypeNode = meta.get("dtype");
        String dtype = dtypeNode != null && dtypeNode.isTextual() ? dtypeNode.asText() : null;
        if (dtype == null || width(dtype) == 0) {
            throw new IOException(where + " has no known dtype: " + abbreviated(dtypeNode));
        }
        long[] dims = longs(meta.get("shape"), -1, where + " has a shape that is not an array of at most " + MAX_DIMS
                + " integers");
        for (long d : dims) {
            if (d < 0) {
                throw new IOException(where + " has a negative dimension in shape " + Arrays.toString(dims));
            }
        }
        long values;
        long bytes;
        try {
            values = 1;
            for (long d : dims) {
                values = Math.multiplyExact(values, d);
            }
            bytes = Math.multiplyExact(values, width(dtype));
        } catch (ArithmeticException e) {
            throw new IOException(where + " has shape " + Arrays.toString(dims) + ", whose byte size overflows a long");
        }
        long[] offsets = longs(meta.get("data_offsets"), 2, where + " lacks data_offsets [begin, end]");
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0 || begin > end) {
            throw new IOException(where + " has data_offsets " + Arrays.toString(offsets) + ": not 0 <= begin <= end");
        }
        if (end - begin != bytes) {
            throw new IOException(where + " has data_offsets " + Arrays.toString(offsets) + " spanning " + (end - begin)
                    + " bytes, but " + dtype + " " + Arrays.toString(dims) + " takes " + bytes);
        }
        if (end > dataLength) {
            throw new IOException(where + " ends at byte " + end + " of the tensor data, but the file holds only "
                    + dataLength + " bytes of it (truncated?)");
        }
        return new Tensor(name, dtype, dims, values, begin, end);
    }

    /** The format requires the tensors to cover the data region exactly once: anything else is corrupt or crafted. */
    private static void requireTiling(Iterable<Tensor> tensors, long dataLength, Path file) throws IOException {
        List<Tensor> byOffset = new ArrayList<>();
        tensors.forEach(byOffset::add);
        byOffset.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
        long covered = 0;
        Tensor previous = null;
        for (Tensor t : byOffset) {
            if (t.begin() < covered) {
                throw new IOException(file + ": safetensors tensors overlap: " + previous + " and " + t);
            }
            if (t.begin() > covered) {
                throw new IOException(file + ": safetensors data has a gap: bytes [" + covered + ", " + t.begin()
                        + ") before tensor " + t + " belong to no tensor");
            }
            covered = t.end();
            previous = t;
        }
        if (covered != dataLength) {
            throw new IOException(file + ": safetensors data has " + (dataLength - covered)
                    + " bytes after the last tensor that belong to no tensor");
        }
    }

    /** An array of integers that fit a long: {@code count} of them, or at most {@link #MAX_DIMS} if it is negative. */
    private static long[] longs(JsonNode node, int count, String error) throws IOException {
        if (node == null || !node.isArray() || (count >= 0 ? node.size() != count : node.size() > MAX_DIMS)) {
            throw new IOException(error + ": " + abbreviated(node));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new IOException(error + ": " + abbreviated(node));
            }
            out[i] = v.asLong();
        }
        return out;
    }

    /** A JSON value for an error message, cut short: a crafted header must not make a megabyte-long message. */
    private static String abbreviated(JsonNode node) {
        String text = String.valueOf(node);
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
