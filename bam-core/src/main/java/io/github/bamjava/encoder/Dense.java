package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/** A fully connected layer with HuggingFace's layout: {@code weight} is [out, in], {@code bias} is [out]. */
public final class Dense extends BertModule {

  private final Parameter weight;
  private final Parameter bias;

  public Dense(int inputSize, int outputSize) {
    weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(outputSize, inputSize), WEIGHT_INIT);
    bias = parameter("bias", Parameter.Type.BIAS, new Shape(outputSize), Initializer.ZEROS);
  }

  /** Applies the layer to the last axis of {@code x}. */
  public NDArray apply(ParameterStore store, NDArray x, boolean training) {
    return Linear.linear(x, store.getValue(weight, x.getDevice(), training),
        store.getValue(bias, x.getDevice(), training)).singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(store, inputs.singletonOrThrow(), training));
  }
}
