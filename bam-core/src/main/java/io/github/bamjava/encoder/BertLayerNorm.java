package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * LayerNorm over the hidden axis with HuggingFace's parameter names {@code weight} and {@code bias} (DJL's own
 * block calls them gamma and beta). Runs PyTorch's native layer_norm.
 */
public final class BertLayerNorm extends BertModule {

  private final Parameter weight;
  private final Parameter bias;
  private final Shape normalizedShape;
  private final float eps;

  /** A layer norm over the last dimension of {@code size}, with {@code eps} added to the variance. */
  public BertLayerNorm(int size, float eps) {
    this.normalizedShape = new Shape(size);
    this.eps = eps;
    weight = parameter("weight", Parameter.Type.GAMMA, normalizedShape, Initializer.ONES);
    bias = parameter("bias", Parameter.Type.BETA, normalizedShape, Initializer.ZEROS);
  }

  /** Normalises {@code x} over its last dimension, then scales and shifts it by the learned weight and bias. */
  public NDArray apply(ParameterStore store, NDArray x, boolean training) {
    return LayerNorm.layerNorm(x, normalizedShape, store.getValue(weight, x.getDevice(), training),
        store.getValue(bias, x.getDevice(), training), eps).singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(store, inputs.singletonOrThrow(), training));
  }
}
