package io.triage.model.infer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.triage.model.ClassifierModel;
import io.triage.model.onnx.ClassifierGraph;
import io.triage.model.text.EncodedBatch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The forward pass on DJL's ONNX Runtime engine: the classifier's ONNX graph ({@link ClassifierGraph}) is built
 * from its weights when the model is loaded, and runs in one ONNX Runtime session on the CPU in fp32. Every call's
 * input tensors live in their own {@link NDManager} scope; closing the pass closes the DJL model, which closes the
 * session and its weights.
 */
final class OnnxRuntimeForward implements ForwardPass {
    static final String ENGINE_NAME = "OnnxRuntime";

    private final Model model;
    private final ParameterStore parameters;
    private final int labels;

    private OnnxRuntimeForward(Model model, int labels) {
        this.model = model;
        this.parameters = new ParameterStore(model.getNDManager(), false);
        this.labels = labels;
    }

    /**
     * ONNX Runtime's one environment, created by DJL's engine: code that runs ONNX Runtime directly in the same
     * process must take it from here. DJL creates it with its own threading options, which ONNX Runtime refuses
     * once any other code has created the environment first, and then DJL's engine cannot start at all.
     */
    static OrtEnvironment environment() {
        Engine.getEngine(ENGINE_NAME);
        return OrtEnvironment.getEnvironment();
    }

    /** Builds {@code classifier}'s graph and opens a session on it with {@code cpuThreads} intra-op threads. */
    static OnnxRuntimeForward load(ClassifierModel classifier, int cpuThreads) {
        byte[] onnx = ClassifierGraph.export(classifier);
        Model model = Model.newInstance(classifier.config().name(), Device.cpu(), ENGINE_NAME);
        try (OrtSession.SessionOptions options = sessionOptions(cpuThreads)) {
            model.load(new ByteArrayInputStream(onnx), Map.of("sessionOptions", options));
            deleteEmptyFolder(model.getModelPath()); // DJL makes a temporary folder for in-memory models
            return new OnnxRuntimeForward(model, classifier.config().numLabels());
        } catch (OrtException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalStateException("ONNX Runtime refused the graph of model " + classifier.config().name()
                    + ": " + e.getMessage(), e);
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The options of Triage's sessions: {@code cpuThreads} intra-op threads, no inter-op pool, every graph
     * optimization, and pool threads that sleep between calls instead of spinning. ONNX Runtime's spinning default
     * keeps idle threads busy-waiting for the next operator; on a few cores shared with Kafka clients, the JVM and
     * other sessions they take the CPU the pass needs (measured 1.6–2.1× faster at batches 1 and 8 without it, on 2
     * loaded cores: docs/benchmarks.md).
     */
    static OrtSession.SessionOptions sessionOptions(int cpuThreads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(cpuThreads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    private static void deleteEmptyFolder(Path folder) {
        try {
            if (folder != null) {
                Files.deleteIfExists(folder);
            }
        } catch (IOException e) {
            // not empty or already gone: DJL's deleteOnExit will try again
        }
    }

    @Override
    public float[][] logits(EncodedBatch batch, StageTimer timer) {
        NDManager scope = model.getNDManager().newSubManager();
        timer.lap(InferenceStage.MANAGER);
        try {
            Shape shape = new Shape(batch.size(), batch.seqLen());
            NDList inputs = new NDList(named(scope.create(batch.ids(), shape), ClassifierGraph.INPUT_IDS),
                    named(scope.create(batch.typeIds(), shape), ClassifierGraph.TOKEN_TYPE_IDS),
                    named(scope.create(batch.mask(), shape), ClassifierGraph.ATTENTION_MASK));
            timer.lap(InferenceStage.TENSORS);
            NDArray logits = model.getBlock().forward(parameters, inputs, false).head();
            timer.lap(InferenceStage.FORWARD);
            float[][] out = ForwardPass.rows(logits.toFloatArray(), batch.size(), labels);
            timer.lap(InferenceStage.COPY_OUT);
            timer.countArrays(scope);
            return out;
        } finally {
            scope.close();
            timer.lap(InferenceStage.MANAGER);
        }
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    @Override
    public InferenceEngine engine() {
        return InferenceEngine.ONNXRUNTIME;
    }

    @Override
    public int liveArrays() {
        return model.getNDManager().getManagedArrays().size();
    }

    @Override
    public boolean isOpen() {
        return model.getNDManager().isOpen();
    }

    @Override
    public void close() {
        model.close();
    }
}
