package io.triage.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ParameterGroupAdamWTest {
    @Test
    void decaysWeightMatricesButNotBiasesOrLayerNormGains() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Parameter weight = parameter(m, "dense.weight", Parameter.Type.WEIGHT);
            Parameter bias = parameter(m, "dense.bias", Parameter.Type.BIAS);
            Parameter gain = parameter(m, "LayerNorm.weight", Parameter.Type.GAMMA);
            List<Parameter> all = List.of(weight, bias, gain);
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                // a zero loss gradient: Adam's own step is then 0 and only the decay moves a weight
                NDArray loss = weight.getArray().mul(0).sum().add(bias.getArray().mul(0).sum()).add(gain.getArray().mul(0).sum());
                collector.backward(loss);
            }
            ParameterGroupAdamW.Group decayed = new ParameterGroupAdamW.Group(Tracker.fixed(0.1f), 0.5f);
            ParameterGroupAdamW.Group plain = new ParameterGroupAdamW.Group(Tracker.fixed(0.1f), 0f);
            Map<Parameter, ParameterGroupAdamW.Group> groups = new LinkedHashMap<>();
            for (Parameter p : all) {
                groups.put(p, ParameterGroupAdamW.isDecayed(p) ? decayed : plain);
            }
            ParameterGroupAdamW optimizer = new ParameterGroupAdamW(groups);
            for (Parameter p : all) {
                optimizer.update(p.getId(), p.getArray(), p.getArray().getGradient());
            }
            // decoupled decay: w ← w − lr·wd·w = w · (1 − 0.1·0.5)
            assertArrayEquals(new float[] {0.95f, 1.9f}, weight.getArray().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {1, 2}, bias.getArray().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {1, 2}, gain.getArray().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void eachGroupFollowsItsOwnLearningRate() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Parameter slow = parameter(m, "encoder.bias", Parameter.Type.BIAS);
            Parameter fast = parameter(m, "classifier.bias", Parameter.Type.BIAS);
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                collector.backward(slow.getArray().sum().add(fast.getArray().sum())); // gradient 1 everywhere
            }
            Map<Parameter, ParameterGroupAdamW.Group> groups = new LinkedHashMap<>();
            groups.put(slow, new ParameterGroupAdamW.Group(Tracker.fixed(0.01f), 0f));
            groups.put(fast, new ParameterGroupAdamW.Group(Tracker.fixed(0.1f), 0f));
            ParameterGroupAdamW optimizer = new ParameterGroupAdamW(groups);
            for (Parameter p : List.of(slow, fast)) {
                optimizer.update(p.getId(), p.getArray(), p.getArray().getGradient());
            }
            // Adam's first step moves every weight by about its learning rate (m̂/√v̂ = 1 for a constant gradient)
            assertArrayEquals(new float[] {0.99f, 1.99f}, slow.getArray().toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0.9f, 1.9f}, fast.getArray().toFloatArray(), 1e-5f);
        }
    }

    private static Parameter parameter(NDManager m, String name, Parameter.Type type) {
        Parameter p = Parameter.builder().setName(name).setType(type).build();
        NDArray values = m.create(new float[] {1, 2});
        values.setRequiresGradient(true);
        p.setArray(values);
        return p;
    }
}
