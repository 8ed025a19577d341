package io.triage.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * ({@code name → dtype, shape, data_offsets}), then the raw little-endian tensor bytes.
 *
 * <p>Written here rather than with DJL's {@code NDList.decode}: DJL hands a BF16 tensor to its PyTorch JNI,
 * which has no BF16 mapping and aborts the JVM — and Hugging Face checkpoints are often BF16. Half-precision
 * tensors are widened to float32 in Java; the header is validated so that a truncated or corrupt file gives
 * an {@link IOException}, not garbage weights.
 */
public final class SafetensorsWeights {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private SafetensorsWeights() {}

    public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer lengthBytes = readFully(channel, 0, 8, file);
            long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength <= 1 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new IOException(file + " is not a safetensors file (header length " + headerLength + ")");
            }
            JsonNode header = JSON.readTree(new String(readFully(channel, 8, (int) headerLength, file).array(),
                    StandardCharsets.UTF_8));
            long dataStart = 8 + headerLength;
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("__metadata__")) {
                    out.put(e.getKey(), tensor(channel, dataStart, size, e.getKey(), e.getValue(), manager, file));
                }
            }
            return out;
        }
    }

    private static NDArray tensor(FileChannel channel, long dataStart, long fileSize, String name, JsonNode meta,
            NDManager manager, Path file) throws IOException {
        String dtype = meta.path("dtype").asText();
        long[] shape = new long[meta.path("shape").size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = meta.path("shape").get(i).asLong();
            count *= shape[i];
        }
        long begin = meta.path("data_offsets").path(0).asLong(-1);
        long end = meta.path("data_offsets").path(1).asLong(-1);
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IOException(file + ": tensor '" + name + "' has unsupported dtype " + dtype);
        };
        if (begin < 0 || end - begin != count * width || dataStart + end > fileSize || count > Integer.MAX_VALUE) {
            throw new IOException(file + ": tensor '" + name + "' has offsets [" + begin + ", " + end
                    + ") that do not fit its shape or the file (truncated or corrupt?)");
        }
        ByteBuffer bytes = readFully(channel, dataStart + begin, (int) (end - begin), file).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (dtype) {
                case "F32" -> bytes.getFloat();
                case "F16" -> halfToFloat(bytes.getShort());
                default -> Float.intBitsToFloat((bytes.getShort() & 0xffff) << 16); // BF16: the top half of an fp32
            };
        }
        return manager.create(values, new Shape(shape));
    }

    /** Writes float32 tensors under their map keys, header keys sorted: the same tensors give the same bytes. */
    public static void write(Map<String, NDArray> tensors, OutputStream out) throws IOException {
        Map<String, NDArray> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
            NDArray a = e.getValue();
            if (a.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' is " + a.getDataType() + ", not float32");
            }
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + 4 * a.size());
            offset += 4 * a.size();
        }
        StringBuilder json = new StringBuilder(JSON.writeValueAsString(header));
        while ((json.length() + 8) % 8 != 0) {
            json.append(' '); // the format pads the header so tensor data starts 8-byte aligned
        }
        byte[] headerBytes = json.toString().getBytes(StandardCharsets.UTF_8);
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
        out.write(headerBytes);
        for (NDArray a : sorted.values()) {
            out.write(a.toByteArray()); // DJL returns native (little-endian on x86/ARM) order
        }
    }

    /** IEEE 754 binary16 → binary32 (Java 17 has no {@code Float.float16ToFloat}). */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13)); // inf / NaN
        }
        if (exponent == 0) {
            float subnormal = mantissa * 0x1p-24f;
            return sign == 0 ? subnormal : -subnormal;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException(file + " ends early: truncated safetensors file");
            }
        }
        return buffer.flip();
    }
}
