package io.triage.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelLoader;
import io.triage.model.io.SafetensorsWeights;
import io.triage.model.io.WeightImporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A weights file is checked against the model's tensor names and shapes before any tensor is read, and only the
 * tensors the model uses are read.
 */
class WeightImportTest {
    private static final String LAST_BIAS = "encoder.layer.1.output.LayerNorm.bias";
    private static final String LAST_DENSE = "encoder.layer.1.output.dense.weight";

    @TempDir
    Path tmp;

    @Test
    void aMissingTensorIsRefusedBeforeAnyTensorIsRead() throws Exception {
        Path bad = new TinyCheckpoint("bert", 5).withHead(3).without(LAST_BIAS).write(tmp.resolve("missing"), "");
        try (ClassifierModel model = loadValid()) {
            IOException e = refusedWithoutReading(model, bad);
            assertTrue(e.getMessage().contains("lacks tensor '" + LAST_BIAS + "'"), e.getMessage());
        }
        IOException e = assertThrows(IOException.class, () -> ModelLoader.loadFolder(bad, ModelOverrides.NONE, Device.cpu()));
        assertTrue(e.getMessage().contains(LAST_BIAS), e.getMessage());
    }

    @Test
    void aWrongShapeIsRefusedBeforeAnyTensorIsReadNamingBothShapes() throws Exception {
        Path bad = new TinyCheckpoint("bert", 5).withHead(3).reshaped(LAST_DENSE, 32, 32).write(tmp.resolve("shape"), "");
        try (ClassifierModel model = loadValid()) {
            IOException e = refusedWithoutReading(model, bad);
            assertTrue(e.getMessage().contains("'" + LAST_DENSE + "' has shape (32, 32)")
                    && e.getMessage().contains("needs (32, 64)"), e.getMessage());
        }
    }

    @Test
    void tensorsTheModelDoesNotUseAreNeverRead() throws Exception {
        // older BERT checkpoints carry an I64 position_ids buffer: a dtype Triage does not read, and need not
        Path dir = new TinyCheckpoint("bert", 5).withHead(3).withExtra("pooler.dense.weight", 32, 32)
                .withInt64Extra("embeddings.position_ids", 0, 1, 2, 3).write(tmp.resolve("extras"), "bert.");
        try (ClassifierModel model = ModelLoader.loadFolder(dir, ModelOverrides.NONE, Device.cpu());
                NDManager scratch = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            WeightImporter.Report report;
            try (SafetensorsWeights weights = SafetensorsWeights.open(dir.resolve("model.safetensors"))) {
                report = WeightImporter.importInto(model, weights, scratch);
            }
            assertTrue(report.headImported());
            assertEquals(Set.of("bert.embeddings.position_ids", "bert.pooler.dense.weight"), report.unusedTensors());
            assertTrue(scratch.getManagedArrays().isEmpty(), "each tensor read is closed once copied");
        }
    }

    /** Imports {@code file} with a capped scratch manager, which refuses every array: the refusal must come first. */
    private static IOException refusedWithoutReading(ClassifierModel model, Path dir) {
        float[] before = model.namedParameters().get("embeddings.word_embeddings.weight").getArray().toFloatArray();
        try (NDManager scratch = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            scratch.cap();
            assertThrows(IllegalStateException.class, () -> scratch.create(1f), "a capped manager takes no array");
            IOException e = assertThrows(IOException.class, () -> {
                try (SafetensorsWeights weights = SafetensorsWeights.open(dir.resolve("model.safetensors"))) {
                    WeightImporter.importInto(model, weights, scratch);
                }
            });
            assertArrayEquals(before, model.namedParameters().get("embeddings.word_embeddings.weight").getArray().toFloatArray(),
                    "no weight was overwritten");
            return e;
        }
    }

    private ClassifierModel loadValid() throws IOException {
        Path valid = new TinyCheckpoint("bert", 3).withHead(3).write(tmp.resolve("valid"), "");
        return ModelLoader.loadFolder(valid, ModelOverrides.NONE, Device.cpu());
    }
}
