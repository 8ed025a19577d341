package io.triage.model;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.Pooling;
import io.triage.model.infer.Classification;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.TextInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelArtifactTest {
    static final List<String> LABELS = List.of("anger", "joy", "sadness");
    static final List<TextInput> TEXTS = List.of(
            TextInput.of("i am so happy today"), TextInput.pair("is it raining?", "it is pouring outside"));

    @TempDir
    Path tmp;

    @Test
    void saveThenLoadIsBitExact() throws Exception {
        ModelOverrides overrides = new ModelOverrides("emotion", "7", LABELS, Pooling.FIRST_TOKEN, 64);
        try (ClassifierModel original = ModelLoader.loadBundled(overrides, Device.cpu())) {
            String sha = ModelArtifact.save(original, tmp.resolve("v7"), new ObjectMapper().createObjectNode().put("accuracy", 0.5));
            assertEquals(sha, ModelArtifact.sha256(tmp.resolve("v7")));
            assertTrue(Files.exists(tmp.resolve("v7/metrics.json")));
            try (TextClassifier a = TextClassifier.of(original, Precision.FP32);
                    ClassifierModel loaded = ModelLoader.loadFolder(tmp.resolve("v7"), ModelOverrides.NONE, Device.cpu())) {
                assertEquals(original.config(), loaded.config());
                Map<String, Parameter> expected = original.namedParameters();
                Map<String, Parameter> actual = loaded.namedParameters();
                assertEquals(expected.keySet(), actual.keySet());
                for (String name : expected.keySet()) {
                    assertArrayEquals(expected.get(name).getArray().toFloatArray(), actual.get(name).getArray().toFloatArray(), 0f, name);
                }
                try (TextClassifier b = TextClassifier.of(loaded, Precision.FP32)) {
                    List<Classification> before = a.classify(TEXTS);
                    List<Classification> after = b.classify(TEXTS);
                    assertEquals(before, after);
                    assertEquals("7", after.get(0).modelVersion());
                    // saving the reloaded model reproduces the artifact byte for byte
                    assertEquals(sha, ModelArtifact.save(loaded, tmp.resolve("again"), new ObjectMapper().readTree(
                            tmp.resolve("v7/metrics.json").toFile())));
                }
            }
        }
    }

    @Test
    void hashCoversEveryFileAndArtifactsAreImmutable() throws Exception {
        Path dir = writeTinyArtifact("a");
        String sha = ModelArtifact.sha256(dir);
        Files.writeString(dir.resolve("config.json"), "\n", StandardOpenOption.APPEND); // still valid JSON
        assertNotEquals(sha, ModelArtifact.sha256(dir));
        try (ClassifierModel model = ModelLoader.loadFolder(dir, ModelOverrides.NONE, Device.cpu())) {
            IOException e = assertThrows(IOException.class, () -> ModelArtifact.save(model, dir, null));
            assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        }
        try (var files = Files.list(tmp)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temp folder left behind");
        }
    }

    @Test
    void extraFilesAreSavedAndHashedWithTheModel() throws Exception {
        Path dir = writeTinyArtifact("b");
        try (ClassifierModel model = ModelLoader.loadFolder(dir, ModelOverrides.NONE, Device.cpu())) {
            Path withReport = tmp.resolve("with-report");
            String sha = ModelArtifact.save(model, withReport, null, Map.of("report.html", "<html></html>".getBytes()));

            assertEquals("<html></html>", Files.readString(withReport.resolve("report.html")));
            assertEquals(ModelArtifact.sha256(withReport), sha, "the returned hash covers the extra file");
            assertNotEquals(ModelArtifact.sha256(dir), sha);
            assertThrows(IllegalArgumentException.class, () -> ModelArtifact.save(model, tmp.resolve("escape"), null,
                    Map.of("../outside.html", new byte[0])));
            assertFalse(Files.exists(tmp.resolve("outside.html")));
        }
    }

    @Test
    void refusesPickleCheckpointsAndCorruptWeights() throws Exception {
        Path pickle = Files.createDirectories(tmp.resolve("pickle"));
        Files.writeString(pickle.resolve("config.json"), "{}");
        Files.write(pickle.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        IOException e = assertThrows(IOException.class, () -> ModelLoader.loadFolder(pickle, ModelOverrides.NONE, Device.cpu()));
        assertTrue(e.getMessage().contains("pickle") && e.getMessage().contains("safetensors"), e.getMessage());

        Path corrupt = writeTinyArtifact("corrupt");
        byte[] weights = Files.readAllBytes(corrupt.resolve("model.safetensors"));
        Files.write(corrupt.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
        assertThrows(IOException.class, () -> ModelLoader.loadFolder(corrupt, ModelOverrides.NONE, Device.cpu()));

        Path mismatch = writeTinyArtifact("mismatch");
        Files.writeString(mismatch.resolve("config.json"),
                Files.readString(mismatch.resolve("config.json")).replace("\"intermediate_size\":64", "\"intermediate_size\":96"));
        e = assertThrows(IOException.class, () -> ModelLoader.loadFolder(mismatch, ModelOverrides.NONE, Device.cpu()));
        assertTrue(e.getMessage().contains("shape"), e.getMessage());
    }

    private Path writeTinyArtifact(String name) throws Exception {
        return new TinyCheckpoint("bert", 3).withHead(3).write(tmp.resolve(name), "");
    }
}
