package io.triage.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A block whose parameters are addressed by Hugging Face tensor names ({@code attention.self.query.weight}),
 * so that weight import, export and summaries need no second naming scheme.
 */
abstract class NamedBlock extends AbstractBlock {
    /** BERT's {@code initializer_range}: weights start as N(0, 0.02), as in Hugging Face. */
    private static final Initializer WEIGHT_INIT = new NormalInitializer(0.02f);

    private final Map<String, Parameter> named = new LinkedHashMap<>();
    private final Map<String, NamedBlock> namedChildren = new LinkedHashMap<>();

    protected Parameter weight(String name, Shape shape) {
        return register(name, shape, Parameter.Type.WEIGHT, WEIGHT_INIT);
    }

    protected Parameter bias(String name, Shape shape) {
        return register(name, shape, Parameter.Type.BIAS, Initializer.ZEROS);
    }

    protected Parameter gamma(String name, Shape shape) {
        return register(name, shape, Parameter.Type.GAMMA, Initializer.ONES);
    }

    protected <B extends NamedBlock> B child(String name, B block) {
        namedChildren.put(name, block);
        return addChildBlock(name.replace('.', '_'), block);
    }

    private Parameter register(String name, Shape shape, Parameter.Type type, Initializer init) {
        Parameter p = addParameter(Parameter.builder()
                .setName(name.replace('.', '_'))
                .setType(type)
                .optShape(shape)
                .optInitializer(init)
                .build());
        named.put(name, p);
        return p;
    }

    /** Every parameter below this block by its Hugging Face name, prefixed with {@code prefix}. */
    public Map<String, Parameter> namedParameters(String prefix) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        named.forEach((k, v) -> out.put(prefix + k, v));
        namedChildren.forEach((k, v) -> out.putAll(v.namedParameters(prefix + k + ".")));
        return out;
    }

    /** The parameter's value for this forward pass, on the input's device and in the store's precision. */
    protected static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
        return ps.getValue(p, like.getDevice(), training);
    }

    /**
     * LayerNorm computed in fp32 whatever the activations' precision, as PyTorch's autocast does: fp16 statistics
     * over hundreds of values lose too much.
     */
    protected static NDArray layerNorm(NDArray x, Shape shape, NDArray gamma, NDArray beta, float eps) {
        if (x.getDataType() == DataType.FLOAT32) {
            return LayerNorm.layerNorm(x, shape, gamma, beta, eps).head();
        }
        NDArray y = LayerNorm.layerNorm(x.toType(DataType.FLOAT32, false), shape,
                copyFor(x, gamma, DataType.FLOAT32), copyFor(x, beta, DataType.FLOAT32), eps).head();
        return y.toType(x.getDataType(), false);
    }

    /**
     * A copy of {@code weight} in {@code type} that belongs to the pass computing {@code x} (its manager's), freed
     * with the pass's other arrays. DJL attaches an op's result to the manager of the array it is called on, and a
     * weight's manager lives as long as the model: an op called on a weight directly would leave its result behind
     * on every pass.
     */
    protected static NDArray copyFor(NDArray x, NDArray weight, DataType type) {
        if (weight.getDataType() == type) {
            // 0 + weight, not duplicate(): DJL's copies leave the autograd graph, and training must reach the weight
            return x.getManager().zeros(new Shape(), type, weight.getDevice()).add(weight);
        }
        NDArray copy = weight.toType(type, true);
        copy.attach(x.getManager());
        return copy;
    }

    /** Softmax over the last axis, in fp32 for reduced-precision inputs (as autocast does). */
    protected static NDArray softmax(NDArray x) {
        return x.getDataType() == DataType.FLOAT32
                ? x.softmax(-1)
                : x.toType(DataType.FLOAT32, false).softmax(-1).toType(x.getDataType(), false);
    }

    /**
     * The additive attention-mask value of a dtype: its most negative finite number, as Hugging Face
     * uses {@code torch.finfo(dtype).min} (fp32's minimum would overflow to -inf in fp16).
     */
    static float maskValue(DataType type) {
        return type == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " shapes depend on its input");
    }
}
