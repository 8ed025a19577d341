package io.triage.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import java.util.List;

/**
 * Clips gradients by their global L2 norm, as PyTorch's {@code clip_grad_norm_}: when the norm over all
 * gradients together exceeds the limit, every gradient is scaled by the same factor, so the update keeps its
 * direction. (DJL's {@code optClipGrad} clips each value on its own, which changes the direction.)
 */
public final class GlobalNormClipping {
    private GlobalNormClipping() {}

    /**
     * Scales {@code gradients} in place so that their global norm is at most {@code maxNorm}.
     *
     * @return the global norm before clipping
     */
    public static float clip(List<NDArray> gradients, float maxNorm) {
        if (gradients.isEmpty()) {
            return 0f;
        }
        NDList norms = new NDList(gradients.size());
        for (NDArray g : gradients) {
            norms.add(g.norm()); // one pass, no gradient-sized temporary (square() would allocate one)
        }
        NDArray stacked = NDArrays.stack(norms);
        float norm = stacked.norm().getFloat();
        stacked.close();
        norms.close();
        if (norm > maxNorm) {
            float scale = maxNorm / (norm + 1e-6f); // the epsilon of torch.nn.utils.clip_grad_norm_
            for (NDArray g : gradients) {
                g.muli(scale);
            }
        }
        return norm;
    }
}
