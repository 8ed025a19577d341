import ai.djl.Device;
import io.triage.model.config.ModelOverrides;
import io.triage.model.infer.InferenceEngine;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.LongInputs;
import io.triage.model.text.TextInput;

import java.util.List;

/**
 * Runs once while an image is built (java's single-file launcher, on the app's class path): loads the bundled model
 * and classifies one text on each serving engine, so that DJL unpacks (CPU) or downloads (CUDA) the PyTorch and
 * tokenizer natives into DJL_CACHE_DIR inside the image, instead of at every container start, and ONNX Runtime's
 * natives (inside its jar) are known to load. A native that does not load fails the build.
 */
public final class WarmUp {
    public static void main(String[] args) throws Exception {
        for (InferenceEngine engine : List.of(InferenceEngine.PYTORCH, InferenceEngine.ONNXRUNTIME)) {
            var model = ModelLoader.load(ModelLoader.BUNDLED, ModelOverrides.NONE, Device.cpu());
            try (TextClassifier classifier = TextClassifier.of(model, Precision.FP32, LongInputs.TRUNCATE, engine, 0)) {
                var result = classifier.classify(List.of(TextInput.of("warm-up"))).get(0);
                System.out.println(engine.settingValue() + " natives ready in " + System.getenv("DJL_CACHE_DIR")
                        + ": " + result.label());
            }
        }
    }
}
