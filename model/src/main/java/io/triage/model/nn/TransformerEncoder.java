package io.triage.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.triage.model.config.DisentangledAttention;
import io.triage.model.config.EncoderConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * A BERT-family encoder with Hugging Face semantics: word + position + token-type embeddings, LayerNorm,
 * then post-LN transformer layers. DeBERTa-v2/v3 may lack absolute positions and token types; its layers attend
 * with relative positions too ({@code encoder.rel_embeddings}, normalized by {@code encoder.LayerNorm}). DJL's own {@code BertBlock} differs from Hugging Face (normalization,
 * residuals, pooling), so checkpoints would not reproduce; this block does.
 *
 * <p>Inputs: input ids, token type ids, attention mask, each [B,S] int64. Output: last hidden state [B,S,H]
 * in the precision of the parameter store's values.
 */
public final class TransformerEncoder extends NamedBlock {
    private final EncoderConfig config;
    private final Parameter wordEmbeddings;
    private final Parameter positionEmbeddings;
    private final Parameter tokenTypeEmbeddings;
    private final Parameter embeddingNormGamma;
    private final Parameter embeddingNormBeta;
    private final List<EncoderLayer> layers = new ArrayList<>();
    /** DeBERTa's relative attention, its embeddings and their LayerNorm; {@code null} for the other types. */
    private final DisentangledAttention relative;
    private final Parameter relEmbeddings;
    private final Parameter relNormGamma;
    private final Parameter relNormBeta;

    public TransformerEncoder(EncoderConfig config) {
        this.config = config;
        int h = config.hiddenSize();
        wordEmbeddings = weight("embeddings.word_embeddings.weight", new Shape(config.vocabSize(), h));
        positionEmbeddings = config.positionEmbeddings()
                ? weight("embeddings.position_embeddings.weight", new Shape(config.maxPositions(), h)) : null;
        tokenTypeEmbeddings = config.typeVocabSize() > 0
                ? weight("embeddings.token_type_embeddings.weight", new Shape(config.typeVocabSize(), h))
                : null;
        embeddingNormGamma = gamma("embeddings.LayerNorm.weight", new Shape(h));
        embeddingNormBeta = bias("embeddings.LayerNorm.bias", new Shape(h));
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(child("encoder.layer." + i, new EncoderLayer(config)));
        }
        relative = config.disentangled() != null && config.disentangled().relative() ? config.disentangled() : null;
        relEmbeddings = relative == null ? null
                : weight("encoder.rel_embeddings.weight", new Shape(relative.embeddingRows(), h));
        boolean relNorm = relative != null && relative.normRelEmbeddings();
        relNormGamma = relNorm ? gamma("encoder.LayerNorm.weight", new Shape(h)) : null;
        relNormBeta = relNorm ? bias("encoder.LayerNorm.bias", new Shape(h)) : null;
    }

    public EncoderConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // the looked-up words are this pass's own array, so they may be added to in place
        return encode(ps, wordEmbeddings(ps, inputs.get(0), training), true, inputs, training);
    }

    /** The word embeddings of input ids [B,S]: [B,S,H], before positions, token types and normalization. */
    public NDArray wordEmbeddings(ParameterStore ps, NDArray ids, boolean training) {
        return lookup(ps, wordEmbeddings, ids, training);
    }

    /**
     * The encoder from given word embeddings [B,S,H] on (what attribution methods take gradients against); the
     * inputs are as for {@code forward}, their ids giving the positions only. {@code words} is left unchanged.
     */
    public NDList forwardEmbedded(ParameterStore ps, NDArray words, NDList inputs, boolean training) {
        return encode(ps, words, false, inputs, training);
    }

    private NDList encode(ParameterStore ps, NDArray words, boolean inPlace, NDList inputs, boolean training) {
        NDArray ids = inputs.get(0);
        NDArray typeIds = inputs.get(1);
        NDArray mask = inputs.get(2);

        NDArray x = words;
        boolean own = inPlace; // whether x is this pass's own array, so that it may be added to in place
        if (positionEmbeddings != null) {
            x = sum(x, own, lookup(ps, positionEmbeddings, positionIds(ids), training));
            own = true;
        }
        if (tokenTypeEmbeddings != null) {
            // RoBERTa has one token type: Hugging Face feeds zeros whatever segment a token is in
            NDArray types = config.usesTokenTypes() ? typeIds : typeIds.zerosLike();
            x = sum(x, own, lookup(ps, tokenTypeEmbeddings, types, training));
        }
        x = layerNorm(x, new Shape(config.hiddenSize()), value(ps, embeddingNormGamma, ids, training),
                value(ps, embeddingNormBeta, ids, training), config.layerNormEps());
        if (config.disentangled() != null) { // DeBERTa zeroes the padding's embeddings
            x = x.muli(mask.toType(x.getDataType(), false).expandDims(2));
        }
        x = Dropout.dropout(x, config.hiddenDropout(), training).head();

        // Hugging Face's extended mask: (1 - mask)[:, None, None, :] * finfo(dtype).min
        NDArray maskBias = mask.eq(0).toType(x.getDataType(), false)
                .muli(maskValue(x.getDataType()))
                .expandDims(1).expandDims(1);
        NDList layerInputs = relative == null ? new NDList(x, maskBias) : relativeInputs(ps, x, maskBias, training);
        for (EncoderLayer layer : layers) {
            layerInputs.set(0, layer.forward(ps, layerInputs, training).head());
        }
        return new NDList(layerInputs.get(0));
    }

    private static NDArray sum(NDArray x, boolean inPlace, NDArray y) {
        return inPlace ? x.addi(y) : x.add(y);
    }

    /** DeBERTa's layer inputs: hidden, mask bias, the (normalized) relative embeddings, the c2p and p2c indexes. */
    private NDList relativeInputs(ParameterStore ps, NDArray x, NDArray maskBias, boolean training) {
        // the pass's own copy: the layers compute from it, and their results must be the pass's too
        NDArray weight = value(ps, relEmbeddings, x, training);
        NDArray rel = copyFor(x, weight, weight.getDataType());
        if (relNormGamma != null) {
            rel = layerNorm(rel, new Shape(config.hiddenSize()), value(ps, relNormGamma, x, training),
                    value(ps, relNormBeta, x, training), config.layerNormEps());
        }
        int s = (int) x.getShape().get(1);
        NDManager manager = x.getManager();
        NDArray c2p = manager.create(RelativePositions.contentToPosition(s, relative), new Shape(s, s));
        NDArray p2c = manager.create(RelativePositions.positionToContent(s, relative), new Shape(s, s));
        return new NDList(x, maskBias, rel, c2p.toDevice(x.getDevice(), false), p2c.toDevice(x.getDevice(), false));
    }

    /** BERT counts positions from 0; RoBERTa from {@code pad + 1} over non-padding tokens only. */
    private NDArray positionIds(NDArray ids) {
        long seq = ids.getShape().get(1);
        if (!config.modelType().positionsAfterPadding()) {
            return ids.getManager().arange(0, (int) seq, 1, DataType.INT64).expandDims(0);
        }
        NDArray notPad = ids.neq(config.padTokenId()).toType(DataType.INT64, false);
        return notPad.cumSum(1).muli(notPad).addi(config.padTokenId());
    }

    private static NDArray lookup(ParameterStore ps, Parameter table, NDArray ids, boolean training) {
        return Embedding.embedding(ids, value(ps, table, ids, training), SparseFormat.DENSE).head();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (EncoderLayer layer : layers) {
            layer.initialize(manager, dataType, inputShapes);
        }
    }
}
