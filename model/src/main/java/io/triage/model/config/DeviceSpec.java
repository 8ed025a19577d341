package io.triage.model.config;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.Locale;

/** Parses the {@code device} setting: {@code auto} (first GPU if PyTorch sees one, else CPU), {@code cpu}, {@code gpu:N}. */
public final class DeviceSpec {
    private DeviceSpec() {}

    public static Device parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.matches("gpu(:\\d+)?")) {
            int id = s.contains(":") ? Integer.parseInt(s.substring(4)) : 0;
            int gpus = Engine.getEngine("PyTorch").getGpuCount();
            if (id >= gpus) {
                throw new IllegalArgumentException("device " + spec + " requested but PyTorch sees " + gpus
                        + " GPU(s); a GPU host needs the CUDA build of the PyTorch natives (see README)");
            }
            return Device.gpu(id);
        }
        throw new IllegalArgumentException("unknown device '" + spec + "': use auto, cpu or gpu:N");
    }
}
