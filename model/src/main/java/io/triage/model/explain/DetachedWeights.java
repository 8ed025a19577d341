package io.triage.model.explain;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import java.util.HashMap;
import java.util.Map;

/**
 * Serves each parameter as a view cut from autograd (same storage, no copy): a backward pass then computes
 * gradients for the inputs only, and never writes into the weights' gradients a later training step would use.
 */
final class DetachedWeights extends ParameterStore implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> detached = new HashMap<>();

    DetachedWeights(NDManager parent) {
        super(parent, false);
        this.manager = parent.newSubManager();
    }

    @Override
    public synchronized NDArray getValue(Parameter parameter, Device device, boolean training) {
        return detached.computeIfAbsent(parameter.getId(), id -> {
            NDArray array = parameter.getArray();
            if (!array.getDevice().equals(device)) {
                throw new IllegalStateException("parameter " + parameter.getName() + " is on " + array.getDevice()
                        + ", the input on " + device);
            }
            NDArray view = array.stopGradient();
            view.attach(manager);
            return view;
        });
    }

    @Override
    public void close() {
        manager.close();
    }
}
