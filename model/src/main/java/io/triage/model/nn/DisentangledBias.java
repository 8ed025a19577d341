package io.triage.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * DeBERTa's disentangled attention terms added to the content scores ({@code disentangled_attention_bias}):
 * content→position {@code c2p[i,j] = q_i · posKey[c2p(i,j)]} and position→content
 * {@code p2c[i,j] = k_j · posQuery[p2c(j,i)]}, each divided by the same scale as the content scores.
 */
final class DisentangledBias {
    private DisentangledBias() {}

    /**
     * @param q queries [B,heads,S,d]
     * @param k keys [B,heads,S,d]
     * @param posKey the relative embeddings through the key projection [heads,2·span,d], or {@code null} without c2p
     * @param posQuery the relative embeddings through the query projection [heads,2·span,d], or {@code null} without p2c
     * @param c2pIndex [S,S] int64 ({@link RelativePositions#contentToPosition})
     * @param p2cIndex [S,S] int64 ({@link RelativePositions#positionToContent})
     * @return [B,heads,S,S], already scaled
     */
    static NDArray scores(NDArray q, NDArray k, NDArray posKey, NDArray posQuery, NDArray c2pIndex,
            NDArray p2cIndex, float scale) {
        Shape scoresShape = new Shape(q.getShape().get(0), q.getShape().get(1), q.getShape().get(2), q.getShape().get(2));
        NDArray sum = null;
        if (posKey != null) {
            NDArray all = q.matMul(posKey.transpose(0, 2, 1)); // [B,heads,S,2·span]
            sum = all.gather(c2pIndex.broadcast(scoresShape), 3);
        }
        if (posQuery != null) {
            NDArray all = k.matMul(posQuery.transpose(0, 2, 1)); // [B,heads,S(keys),2·span]
            NDArray p2c = all.gather(p2cIndex.broadcast(scoresShape), 3).transpose(0, 1, 3, 2);
            sum = sum == null ? p2c : sum.addi(p2c);
        }
        return sum == null ? null : sum.muli(scale);
    }
}
