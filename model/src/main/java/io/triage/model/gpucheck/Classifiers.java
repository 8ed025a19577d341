package io.triage.model.gpucheck;

import ai.djl.Device;
import io.triage.model.config.ModelOverrides;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelLoader;

import java.io.IOException;
import java.nio.file.Path;

/** Loads classifiers the way the services do: from a model folder, through {@link ModelLoader}, onto a device. */
final class Classifiers {
    private Classifiers() {}

    static TextClassifier load(Path folder, Device device, Precision precision) throws IOException {
        return TextClassifier.of(ModelLoader.loadFolder(folder, ModelOverrides.NONE, device), precision);
    }
}
