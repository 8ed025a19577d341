package io.triage.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.config.ModelLimits;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * ({@code name → dtype, shape, data_offsets}), then the raw little-endian tensor bytes.
 *
 * <p>Written here rather than with DJL's {@code NDList.decode}: DJL hands a BF16 tensor to its PyTorch JNI,
 * which has no BF16 mapping and aborts the JVM — and Hugging Face checkpoints are often BF16. Half-precision
 * tensors are widened to float32 in Java.
 *
 * <p>A weights file may come from anyone. {@link #open} reads and checks only the header (see
 * {@link SafetensorsHeader}) and the file's size, so that a caller can check names and shapes against its model
 * and then {@link #read(String, NDManager)} just the tensors it needs: a corrupt or crafted file gives an {@link IOException} before
 * any tensor is read, never garbage weights, an overflow or an attempt to allocate more than the file can hold.
 */
public final class SafetensorsWeights implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The format's own bound on the header. */
    private static final long MAX_HEADER = 100L << 20;
    /** Bytes read at a time: a tensor is never held as raw bytes and floats at once. */
    private static final int CHUNK = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, SafetensorsHeader.Tensor> tensors;

    private SafetensorsWeights(Path file, FileChannel channel, long dataStart, Map<String, SafetensorsHeader.Tensor> tensors) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
    }

    /** Opens {@code file} and checks its header, refusing more than {@link ModelLimits#MAX_WEIGHT_BYTES} of tensor data. */
    public static SafetensorsWeights open(Path file) throws IOException {
        return open(file, ModelLimits.MAX_WEIGHT_BYTES);
    }

    /** Opens {@code file} and checks its header, refusing more than {@code maxDataBytes} of tensor data. */
    public static SafetensorsWeights open(Path file, long maxDataBytes) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw new IOException(file + " is not a safetensors file (" + size + " bytes)");
            }
            long headerLength = readFully(channel, 0, ByteBuffer.allocate(8), file).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength <= 1 || headerLength > MAX_HEADER || headerLength > size - 8) {
                throw new IOException(file + " is not a safetensors file (header length " + headerLength + ")");
            }
            long dataStart = 8 + headerLength;
            long dataLength = size - dataStart;
            if (dataLength > maxDataBytes) {
                throw new IOException(file + " holds " + dataLength + " bytes of tensors, more than the limit of "
                        + maxDataBytes);
            }
            byte[] header = readFully(channel, 8, ByteBuffer.allocate((int) headerLength), file).array();
            return new SafetensorsWeights(file, channel, dataStart, SafetensorsHeader.parse(header, dataLength, file));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reads every tensor of {@code file}, each widened to float32. */
    public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        try (SafetensorsWeights weights = open(file)) {
            weights.requireReadable(weights.tensors.keySet());
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (String name : weights.tensors.keySet()) {
                out.put(name, weights.read(name, manager));
            }
            return out;
        }
    }

    /** Every tensor's shape, in header order; nothing is read. */
    public Map<String, Shape> shapes() {
        Map<String, Shape> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> out.put(name, t.shape()));
        return out;
    }

    /**
     * Checks, without reading them, that the named tensors exist and can be {@linkplain #read(String, NDManager) read}: a float dtype
     * and no more values than one tensor may hold ({@link ModelLimits#MAX_TENSOR_VALUES}).
     */
    public void requireReadable(Collection<String> names) throws IOException {
        for (String name : names) {
            SafetensorsHeader.Tensor t = tensors.get(name);
            if (t == null) {
                throw new IOException(file + " has no tensor '" + name + "'");
            }
            if (!t.dtype().equals("F32") && !t.dtype().equals("F16") && !t.dtype().equals("BF16")) {
                throw new IOException(file + ": tensor '" + name + "' is " + t.dtype() + "; Triage reads F32, F16 and BF16");
            }
            if (t.values() > ModelLimits.MAX_TENSOR_VALUES) {
                throw new IOException(file + ": tensor '" + name + "' has " + t.values() + " values, more than the "
                        + ModelLimits.MAX_TENSOR_VALUES + " one tensor may hold");
            }
        }
    }

    /** Reads one tensor, widened to float32; see {@link #requireReadable} for what it refuses. */
    public NDArray read(String name, NDManager manager) throws IOException {
        requireReadable(List.of(name));
        SafetensorsHeader.Tensor t = tensors.get(name);
        int width = SafetensorsHeader.width(t.dtype());
        float[] values = new float[(int) t.values()];
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        long position = dataStart + t.begin();
        int filled = 0;
        while (filled < values.length) {
            int count = Math.min(CHUNK / width, values.length - filled);
            chunk.clear().limit(count * width);
            readFully(channel, position, chunk, file);
            decode(t.dtype(), chunk, values, filled, count);
            position += (long) count * width;
            filled += count;
        }
        return manager.create(values, t.shape());
    }

    private static void decode(String dtype, ByteBuffer bytes, float[] out, int offset, int count) {
        switch (dtype) {
            case "F32" -> bytes.asFloatBuffer().get(out, offset, count);
            case "F16" -> {
                for (int i = 0; i < count; i++) {
                    out[offset + i] = halfToFloat(bytes.getShort());
                }
            }
            default -> { // BF16: the top half of an fp32
                for (int i = 0; i < count; i++) {
                    out[offset + i] = Float.intBitsToFloat((bytes.getShort() & 0xffff) << 16);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
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

    /** Fills {@code buffer}, which starts at position 0, from {@code position} of the file on; returns it flipped. */
    private static ByteBuffer readFully(FileChannel channel, long position, ByteBuffer buffer, Path file) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException(file + " ends early: truncated safetensors file");
            }
        }
        return buffer.flip();
    }
}
