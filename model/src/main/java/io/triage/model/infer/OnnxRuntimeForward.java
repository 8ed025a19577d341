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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The forward pass on DJL's ONNX Runtime engine: the classifier's ONNX graph ({@link ClassifierGraph}) is built
 * from its weights when the model is loaded, and runs on the CPU in fp32. Every call's input tensors live in their
 * own {@link NDManager} scope; closing the pass closes the DJL models, which close the sessions and their weights.
 *
 * <p>A batch of two or more is cut into sub-batches of similar lengths ({@link BatchSplit#forThreads}), each padded
 * only to its own longest text. With more than one CPU thread they run side by side on a second, single-threaded
 * session (a batch of one runs on the session with all the threads): independent passes keep every core busy,
 * where one pass's small matrix products meet at a barrier after every operator. The second session holds its own
 * copy of the weights. With one thread the sub-batches run one after another on the only session.
 */
final class OnnxRuntimeForward implements ForwardPass {
    static final String ENGINE_NAME = "OnnxRuntime";

    private final Model model;
    /** single-threaded, for the sub-batches; null with one CPU thread */
    private final Model partModel;
    /** the threads that run sub-batches beside the calling thread; null with one CPU thread */
    private final ExecutorService helpers;
    private final int cpuThreads;
    private final ParameterStore parameters;
    private final int labels;

    private OnnxRuntimeForward(Model model, Model partModel, int cpuThreads, int labels) {
        this.model = model;
        this.partModel = partModel;
        this.cpuThreads = cpuThreads;
        this.helpers = partModel == null ? null
                : Executors.newFixedThreadPool(cpuThreads - 1, OnnxRuntimeForward::helper);
        this.parameters = new ParameterStore(model.getNDManager(), false);
        this.labels = labels;
    }

    private static Thread helper(Runnable task) {
        Thread t = new Thread(task, "triage-onnx-part");
        t.setDaemon(true);
        return t;
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

    /**
     * Builds {@code classifier}'s graph and opens a session on it with {@code cpuThreads} intra-op threads (and,
     * with more than one, a single-threaded session for sub-batches).
     */
    static OnnxRuntimeForward load(ClassifierModel classifier, int cpuThreads) {
        byte[] onnx = ClassifierGraph.export(classifier);
        String name = classifier.config().name();
        Model whole = session(name, onnx, cpuThreads);
        try {
            Model parts = cpuThreads > 1 ? session(name, onnx, 1) : null;
            return new OnnxRuntimeForward(whole, parts, cpuThreads, classifier.config().numLabels());
        } catch (RuntimeException e) {
            whole.close();
            throw e;
        }
    }

    private static Model session(String name, byte[] onnx, int threads) {
        Model model = Model.newInstance(name, Device.cpu(), ENGINE_NAME);
        try (OrtSession.SessionOptions options = sessionOptions(threads)) {
            model.load(new ByteArrayInputStream(onnx), Map.of("sessionOptions", options));
            deleteEmptyFolder(model.getModelPath()); // DJL makes a temporary folder for in-memory models
            return model;
        } catch (OrtException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalStateException("ONNX Runtime refused the graph of model " + name + ": " + e.getMessage(), e);
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
        if (batch.size() < 2) {
            return logits(model, batch, timer);
        }
        BatchSplit split = BatchSplit.forThreads(batch, cpuThreads);
        return split.parts().size() < 2 ? logits(model, batch, timer) : run(split, timer);
    }

    /** One run of {@code session} over the whole batch, its input tensors in their own scope. */
    private float[][] logits(Model session, EncodedBatch batch, StageTimer timer) {
        NDManager scope = session.getNDManager().newSubManager();
        timer.lap(InferenceStage.MANAGER);
        try {
            Shape shape = new Shape(batch.size(), batch.seqLen());
            NDList inputs = new NDList(named(scope.create(batch.ids(), shape), ClassifierGraph.INPUT_IDS),
                    named(scope.create(batch.typeIds(), shape), ClassifierGraph.TOKEN_TYPE_IDS),
                    named(scope.create(batch.mask(), shape), ClassifierGraph.ATTENTION_MASK));
            timer.lap(InferenceStage.TENSORS);
            NDArray logits = session.getBlock().forward(parameters, inputs, false).head();
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

    /**
     * The sub-batches on the single-threaded session (the only one with one CPU thread): the calling thread and the
     * helpers each take the next sub-batch nobody has taken, so a helper that is slow to start costs no more than
     * running its part here. Charged to the timer as one forward step, with the arrays of every part.
     */
    private float[][] run(BatchSplit split, StageTimer timer) {
        Model session = partModel != null ? partModel : model;
        List<EncodedBatch> parts = split.parts();
        float[][][] scores = new float[parts.size()][][];
        StageTimer[] partTimers = new StageTimer[parts.size()]; // each on its own thread; only counts arrays here
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int p = next.getAndIncrement(); p < parts.size(); p = next.getAndIncrement()) {
                partTimers[p] = timer.forPart();
                scores[p] = logits(session, parts.get(p), partTimers[p]);
            }
        };
        List<Future<?>> started = new ArrayList<>(cpuThreads - 1);
        for (int p = 1; p < Math.min(cpuThreads, parts.size()); p++) {
            started.add(helpers.submit(worker));
        }
        RuntimeException failure = null;
        try {
            worker.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : started) { // every part is over before the call returns, even a failed one
            RuntimeException e = awaitPart(f);
            failure = failure != null ? failure : e;
        }
        if (failure != null) {
            throw failure;
        }
        for (StageTimer part : partTimers) {
            timer.addArrays(part);
        }
        timer.lap(InferenceStage.FORWARD);
        return split.merge(Arrays.asList(scores));
    }

    /** Waits for a helper's sub-batches; what went wrong there, or null. */
    private static RuntimeException awaitPart(Future<?> part) {
        try {
            part.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof RuntimeException r ? r
                    : new IllegalStateException("a sub-batch failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new IllegalStateException("interrupted while the sub-batches ran", e);
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
        int parts = partModel == null ? 0 : partModel.getNDManager().getManagedArrays().size();
        return model.getNDManager().getManagedArrays().size() + parts;
    }

    @Override
    public boolean isOpen() {
        return model.getNDManager().isOpen();
    }

    @Override
    public void close() {
        try {
            if (helpers != null) {
                helpers.shutdownNow(); // idle: calls are serialized and each waits for its parts
                partModel.close();
            }
        } finally {
            model.close();
        }
    }
}
