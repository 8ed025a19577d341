package io.triage.model.infer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import java.util.HashMap;
import java.util.Map;

/**
 * Serves each parameter to the blocks in the inference precision: fp32 parameters as they are (no copy),
 * other precisions as one cast copy per parameter, made on first use and kept until {@link #close()}.
 */
final class InferenceWeights extends ParameterStore implements AutoCloseable {
    private final DataType dataType;
    private final NDManager manager;
    private final Map<String, NDArray> cast = new HashMap<>();

    InferenceWeights(NDManager parent, DataType dataType) {
        super(parent, false);
        this.dataType = dataType;
        this.manager = parent.newSubManager();
    }

    @Override
    public synchronized NDArray getValue(Parameter parameter, Device device, boolean training) {
        NDArray array = parameter.getArray();
        if (array.getDataType() == dataType && array.getDevice().equals(device)) {
            return array;
        }
        return cast.computeIfAbsent(parameter.getId(), id -> {
            NDArray onDevice = array.getDevice().equals(device) ? array : array.toDevice(device, true);
            NDArray copy = onDevice.toType(dataType, true);
            copy.attach(manager);
            if (onDevice != array) {
                onDevice.close();
            }
            return copy;
        });
    }

    @Override
    public void close() {
        manager.close();
    }
}
