package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A fully connected layer with HuggingFace's layout: {@code weight} is [out, in], {@code bias} is [out].
 *
 * <p>Its input is cast to the type of the weight it is given (see {@link Precision}): under mixed precision the
 * weight is an FP16 copy and the product runs in FP16; with FP32 weights nothing is cast.
 */
public final class Dense extends BertModule {

  private final Parameter weight;
  private final Parameter bias;

  /** A fully connected layer from {@code inputSize} to {@code outputSize} features, weight stored as (out, in). */
  public Dense(int inputSize, int outputSize) {
    weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(outputSize, inputSize), WEIGHT_INIT);
    bias = parameter("bias", Parameter.Type.BIAS, new Shape(outputSize), Initializer.ZEROS);
  }

  /** Applies the layer to the last axis of {@code x}. */
  public NDArray apply(ParameterStore store, NDArray x, boolean training) {
    NDArray w = store.getValue(weight, x.getDevice(), training);
    return Linear.linear(Precision.cast(x, w.getDataType()), w, store.getValue(bias, x.getDevice(), training))
        .singletonOrThrow();
  }

  /**
   * {@code x} cast to the type this layer computes in: for several layers that read the same input (query, key
   * and value), cast once.
   */
  public NDArray castInput(ParameterStore store, NDArray x, boolean training) {
    return Precision.cast(x, store.getValue(weight, x.getDevice(), training).getDataType());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(store, inputs.singletonOrThrow(), training));
  }
}
