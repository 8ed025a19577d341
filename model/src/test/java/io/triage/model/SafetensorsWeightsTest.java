package io.triage.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.triage.model.config.ModelLimits;
import io.triage.model.io.SafetensorsWeights;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-written safetensors files, valid and malformed: each malformed one is refused with an {@link IOException}
 * that says what is wrong, while the header is checked (no tensor array is ever created for it).
 */
class SafetensorsWeightsTest {
    @TempDir
    Path tmp;

    private NDManager manager;

    @BeforeEach
    void newManager() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @Test
    void readsEachFloatDtypeWhateverTheHeaderOrder() throws Exception {
        ByteBuffer data = ByteBuffer.allocate(16 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(1f).putFloat(-2f).putFloat(0.5f).putFloat(3f); // f32 [2, 2] at [0, 16)
        data.putShort((short) 0x3c00).putShort((short) 0xc000); // f16 [1, -2] at [16, 20)
        data.putShort((short) 0x3f80).putShort((short) 0x4040); // bf16 [1, 3] at [20, 24)
        Path file = write("""
                {"__metadata__": {"format": "pt"},
                 "half": {"dtype": "F16", "shape": [2], "data_offsets": [16, 20]},
                 "brain": {"dtype": "BF16", "shape": [2], "data_offsets": [20, 24]},
                 "full": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}""", data.array());

        Map<String, NDArray> tensors = SafetensorsWeights.read(file, manager);

        assertEquals(List.of("half", "brain", "full"), List.copyOf(tensors.keySet()));
        assertEquals(new Shape(2, 2), tensors.get("full").getShape());
        assertArrayEquals(new float[] {1f, -2f, 0.5f, 3f}, tensors.get("full").toFloatArray());
        assertArrayEquals(new float[] {1f, -2f}, tensors.get("half").toFloatArray());
        assertArrayEquals(new float[] {1f, 3f}, tensors.get("brain").toFloatArray());
    }

    @Test
    void refusesANegativeDimension() throws Exception {
        // (-2) × (-2) × 4 bytes = 16: the byte count alone does not catch it
        Path file = write("{\"t\": {\"dtype\": \"F32\", \"shape\": [-2, -2], \"data_offsets\": [0, 16]}}", new byte[16]);
        assertRefused(file, "'t'", "negative dimension", "[-2, -2]");
    }

    @Test
    void refusesAShapeWhoseSizeOverflows() throws Exception {
        // 2^40 × 2^40 wraps to 0 in a long, which would match empty offsets
        Path file = write("{\"t\": {\"dtype\": \"F32\", \"shape\": [1099511627776, 1099511627776], \"data_offsets\": [0, 0]}}",
                new byte[0]);
        assertRefused(file, "'t'", "overflows");
    }

    @Test
    void refusesOverlappingTensors() throws Exception {
        Path file = write("""
                {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                 "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}""", new byte[24]);
        assertRefused(file, "overlap", "'a'", "'b'");
    }

    @Test
    void refusesBytesThatBelongToNoTensor() throws Exception {
        Path gap = write("""
                {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                 "b": {"dtype": "F32", "shape": [4], "data_offsets": [24, 40]}}""", new byte[40]);
        assertRefused(gap, "gap", "[16, 24)", "'b'");

        Path trailing = write("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", new byte[24]);
        assertRefused(trailing, "8 bytes after the last tensor");
    }

    @Test
    void refusesATensorEndingPastTheFile() throws Exception {
        Path file = write("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", new byte[8]);
        assertRefused(file, "'a'", "ends at byte 16", "only 8", "truncated");
    }

    @Test
    void refusesOffsetsThatDoNotMatchTheShape() throws Exception {
        assertRefused(write("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 8]}}", new byte[8]),
                "'a'", "spanning 8 bytes", "takes 16");
        assertRefused(write("{\"a\": {\"dtype\": \"F32\", \"shape\": [4]}}", new byte[16]), "'a'", "lacks data_offsets");
        assertRefused(write("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [16, 0]}}", new byte[16]),
                "'a'", "begin <= end");
        assertRefused(write("{\"a\": {\"dtype\": \"F32\", \"shape\": [\"4\"], \"data_offsets\": [0, 16]}}", new byte[16]),
                "'a'", "shape");
    }

    @Test
    void refusesAHeaderThatIsNotAnObjectOfObjects() throws Exception {
        assertRefused(write("[1, 2]", new byte[0]), "not a JSON object");
        assertRefused(write("{\"a\": 5}", new byte[0]), "'a'", "not a JSON object");
        assertRefused(write("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}} []", new byte[4]),
                "not valid JSON");
        assertRefused(write("""
                {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                 "a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", new byte[8]), "not valid JSON", "'a'");
        assertRefused(write("{\"a\": {\"dtype\": \"Q4\", \"shape\": [1], \"data_offsets\": [0, 4]}}", new byte[4]),
                "'a'", "dtype");
    }

    @Test
    void refusesMoreTensorDataThanTheLimit() throws Exception {
        Path file = write("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", new byte[16]);
        IOException e = assertThrows(IOException.class, () -> SafetensorsWeights.open(file, 8).close());
        assertTrue(e.getMessage().contains("16 bytes of tensors, more than the limit of 8"), e.getMessage());
    }

    @Test
    void refusesATensorTooLargeForOneArrayWithoutReadingIt() throws Exception {
        // 2^29 float32 values = 2 GiB, one more value than a DJL buffer's int byte count allows; sparse on disk
        long values = ModelLimits.MAX_TENSOR_VALUES + 1;
        Path file = write("{\"big\": {\"dtype\": \"F32\", \"shape\": [" + values + "], \"data_offsets\": [0, "
                + values * 4 + "]}}", new byte[0]);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() + values * 4);
        }
        try (SafetensorsWeights weights = SafetensorsWeights.open(file)) {
            assertEquals(Map.of("big", new Shape(values)), weights.shapes());
            IOException e = assertThrows(IOException.class, () -> weights.read("big", manager));
            assertTrue(e.getMessage().contains("'big' has " + values + " values, more than"), e.getMessage());
        }
        IOException e = assertThrows(IOException.class, () -> SafetensorsWeights.read(file, manager));
        assertTrue(e.getMessage().contains("one tensor may hold"), e.getMessage());
        assertTrue(manager.getManagedArrays().isEmpty(), "no tensor was created");
    }

    /** Refused by both the header check and the whole-file read, without an array left behind. */
    private void assertRefused(Path file, String... phrases) {
        IOException opened = assertThrows(IOException.class, () -> SafetensorsWeights.open(file).close());
        IOException read = assertThrows(IOException.class, () -> SafetensorsWeights.read(file, manager));
        for (IOException e : List.of(opened, read)) {
            for (String phrase : phrases) {
                assertTrue(e.getMessage().contains(phrase), "'" + phrase + "' missing from: " + e.getMessage());
            }
        }
        assertTrue(manager.getManagedArrays().isEmpty(), "no tensor was created");
    }

    private Path write(String header, byte[] data) throws IOException {
        Path file = Files.createTempFile(tmp, "weights", ".safetensors");
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
            out.write(json);
            out.write(data);
        }
        return file;
    }
}
