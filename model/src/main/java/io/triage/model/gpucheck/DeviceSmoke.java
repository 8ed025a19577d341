package io.triage.model.gpucheck;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The operations the encoder is built from, each run on the device and on the CPU with the same inputs: the
 * cheapest proof that the JNI library and libtorch work together on that device before anything larger runs
 * (a JNI built for another libtorch can load and still compute garbage).
 */
final class DeviceSmoke {
    static final String SECTION = "smoke";
    /** fp32 operations on a GPU differ from the CPU's only by summation order. */
    private static final double FP32_TOLERANCE = 1e-4;
    private static final double FP16_TOLERANCE = 5e-2;

    private DeviceSmoke() {}

    /** Runs every operation; true when all agree with the CPU. */
    static boolean run(Device device, CheckReport report) {
        Map<String, Function<NDManager, NDArray>> ops = new LinkedHashMap<>();
        ops.put("matmul", m -> input(m, 1, 64, 128).matMul(input(m, 2, 128, 32)));
        ops.put("layer_norm", m -> LayerNorm.layerNorm(input(m, 3, 8, 16, 64), new Shape(64),
                input(m, 4, 64), input(m, 5, 64), 1e-12f).head());
        ops.put("softmax", m -> input(m, 6, 4, 8, 16, 16).softmax(-1));
        ops.put("gelu", m -> Activation.gelu(input(m, 7, 32, 64)));
        ops.put("embedding", m -> Embedding.embedding(m.create(new long[] {0, 5, 2, 9}, new Shape(2, 2)),
                input(m, 8, 10, 16), SparseFormat.DENSE).head());
        ops.put("fp16_matmul", m -> input(m, 1, 64, 128).toType(DataType.FLOAT16, false)
                .matMul(input(m, 2, 128, 32).toType(DataType.FLOAT16, false)).toType(DataType.FLOAT32, false));
        ops.put("matmul_gradient", DeviceSmoke::gradient);

        ObjectNode section = report.section(SECTION);
        boolean allOk = true;
        for (Map.Entry<String, Function<NDManager, NDArray>> op : ops.entrySet()) {
            double tolerance = op.getKey().startsWith("fp16") ? FP16_TOLERANCE : FP32_TOLERANCE;
            try (NDManager cpu = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                    NDManager dev = NDManager.newBaseManager(device, "PyTorch")) {
                float[] expected = op.getValue().apply(cpu).toFloatArray();
                NDArray result = op.getValue().apply(dev);
                String ranOn = result.getDevice().toString();
                double diff = Differences.max(expected, result.toFloatArray());
                boolean ok = diff <= tolerance && ranOn.equals(device.toString());
                allOk &= ok;
                section.putObject(op.getKey()).put("max_abs_diff_vs_cpu", diff).put("ran_on", ranOn).put("ok", ok);
                report.figure(SECTION, op.getKey() + " max |device - cpu|", diff, "");
            } catch (RuntimeException e) {
                allOk = false;
                section.putObject(op.getKey()).put("error", String.valueOf(e)).put("ok", false);
                report.fact(SECTION, op.getKey() + " error", String.valueOf(e));
            }
        }
        section.put("ok", allOk);
        report.fact(SECTION, "all operations agree with the cpu", String.valueOf(allOk));
        report.flush();
        return allOk;
    }

    /** d(sum(a·b))/da, through PyTorch's autograd: what training needs on the device. */
    private static NDArray gradient(NDManager m) {
        NDArray a = input(m, 1, 16, 32);
        a.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            collector.backward(a.matMul(input(m, 2, 32, 8)).sum());
        }
        return a.getGradient();
    }

    private static NDArray input(NDManager m, long seed, long... shape) {
        Random random = new Random(seed);
        int n = (int) new Shape(shape).size();
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return m.create(values, new Shape(shape));
    }
}
