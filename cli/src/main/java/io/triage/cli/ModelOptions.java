package io.triage.cli;

import io.triage.cli.options.PoolingConverter;
import io.triage.model.ClassifierModel;
import io.triage.model.config.DeviceSpec;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.Pooling;
import io.triage.model.io.ModelLoader;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.List;

/** Which model to load, shared by the commands that need one. */
final class ModelOptions {
    @Option(names = "--model", defaultValue = ModelLoader.BUNDLED, paramLabel = "SOURCE",
            description = "'minilm' (bundled all-MiniLM-L6-v2) or a model folder: a Triage artifact or a Hugging Face "
                    + "checkpoint with config.json, tokenizer.json and model.safetensors. Default: ${DEFAULT-VALUE}.")
    String source;

    @Option(names = "--labels", split = ",", paramLabel = "LABEL",
            description = "Class names; a head of another size starts fresh (untrained).")
    List<String> labels;

    @Option(names = "--pooling", description = "first_token or mean (default: from the model).",
            converter = PoolingConverter.class)
    Pooling pooling;

    @Option(names = "--max-length", description = "Tokens per input after truncation (default: from the model).")
    Integer maxLength;

    @Option(names = "--device", defaultValue = "auto",
            description = "auto (first GPU if any, else CPU), cpu or gpu:N. Default: ${DEFAULT-VALUE}.")
    String device;

    ClassifierModel load() throws IOException {
        return ModelLoader.load(source, new ModelOverrides(null, null, labels, pooling, maxLength), DeviceSpec.parse(device));
    }
}
