package io.triage.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GlobalNormClippingTest {
    @Test
    void scalesAllGradientsByOneFactorWhenTheirJointNormIsTooLarge() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray a = m.create(new float[] {3, 4});
            NDArray b = m.create(new float[] {12});
            // global norm sqrt(9 + 16 + 144) = 13: every value is divided by 13 (per-value clipping at 1 would
            // instead give (1, 1) and (1), changing the direction)
            assertEquals(13f, GlobalNormClipping.clip(List.of(a, b), 1f), 1e-5);
            assertArrayEquals(new float[] {3f / 13, 4f / 13}, a.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {12f / 13}, b.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void leavesGradientsBelowTheLimitAlone() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray a = m.create(new float[] {3, 4});
            assertEquals(5f, GlobalNormClipping.clip(List.of(a), 5.5f), 1e-6);
            assertArrayEquals(new float[] {3, 4}, a.toFloatArray());
        }
    }
}
