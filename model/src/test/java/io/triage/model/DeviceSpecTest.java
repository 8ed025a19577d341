package io.triage.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.triage.model.config.DeviceSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceSpecTest {
    @Test
    void parsesTheDeviceSetting() {
        assertEquals(Device.cpu(), DeviceSpec.parse("cpu"));
        Device auto = DeviceSpec.parse("AUTO");
        assertEquals(Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu(0) : Device.cpu(), auto);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceSpec.parse("gpu:99"));
        assertTrue(e.getMessage().contains("sees"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeviceSpec.parse("tpu"));
    }
}
