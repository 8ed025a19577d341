package io.triage.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.ModelType;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.Encoded;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each supported {@code model_type} loads from a Hugging Face folder the test writes itself, and its DJL
 * forward pass matches an independent reference implementation, padding and sentence pairs included.
 */
class ModelTypesTest {
    static final List<TextInput> INPUTS = List.of(
            TextInput.of("short one"),
            TextInput.of("a noticeably longer sentence with quite a few more tokens in it than the first"),
            TextInput.pair("is this a paraphrase?", "is this sentence a paraphrase of that one?"),
            TextInput.of("mid length text here"));

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"bert, bert., true", "roberta, roberta., true", "distilbert, distilbert., false",
        "distilbert, distilbert., true"})
    void encoderMatchesReference(String type, String prefix, boolean withHead) throws Exception {
        TinyCheckpoint ckpt = new TinyCheckpoint(type, 7);
        if (withHead) {
            // BertForSequenceClassification's pooler and classifier, RoBERTa's dense and out_proj: each kept
            ckpt.withTransformersHead(3);
        }
        Path dir = ckpt.write(tmp.resolve(type), prefix);
        ReferenceEncoder reference = new ReferenceEncoder(ckpt.tensors, type, TinyCheckpoint.HIDDEN,
                TinyCheckpoint.HEADS, TinyCheckpoint.LAYERS, TinyCheckpoint.INTERMEDIATE, ckpt.padId);

        try (TextClassifier classifier = TextClassifier.of(
                ModelLoader.loadFolder(dir, ModelOverrides.NONE.withMaxLength(32), Device.cpu()), Precision.FP32)) {
            ClassifierModel model = classifier.model();
            assertEquals(ModelType.fromHfName(type), model.config().encoder().modelType());
            assertEquals(List.of("neg", "pos", "neutral"), model.config().labels());

            EncodedBatch batch = model.tokenizer().encodeBatch(INPUTS);
            float[] djl;
            try (NDManager scope = model.djlModel().getNDManager().newSubManager()) {
                djl = model.block().encoder().forward(new ParameterStore(scope, false), batch.toNDList(scope), false)
                        .head().toFloatArray();
            }
            float[][] probabilities = classifier.probabilities(batch);

            int h = TinyCheckpoint.HIDDEN;
            double maxDiff = 0;
            for (int i = 0; i < INPUTS.size(); i++) {
                Encoded e = model.tokenizer().encode(INPUTS.get(i));
                long[] types = type.equals("bert") ? e.typeIds() : new long[e.length()];
                float[][] expected = reference.forward(e.ids(), types);
                for (int t = 0; t < e.length(); t++) {
                    for (int k = 0; k < h; k++) {
                        maxDiff = Math.max(maxDiff, Math.abs(expected[t][k] - djl[(i * batch.seqLen() + t) * h + k]));
                    }
                }
                if (withHead) {
                    float[] logits = reference.transformersHeadLogits(expected[0], type, 3);
                    double[] p = softmax(logits);
                    for (int c = 0; c < 3; c++) {
                        assertEquals(p[c], probabilities[i][c], 1e-4, "probability of class " + c + " for input " + i);
                    }
                }
            }
            assertTrue(maxDiff < 1e-4, type + ": max |DJL - reference| = " + maxDiff);
        }
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
