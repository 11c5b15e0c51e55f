package io.github.bamjava.model;

import static com.google.common.base.Preconditions.checkState;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.bamjava.runtime.TorchEngine;

/**
 * A task's output layer on one pooled vector per example: [CLS] through BERT's pooler, or the mean of the real
 * tokens ({@link Pooling}; the model pools before calling the head).
 *
 * <p>{@link #apply} returns what the distillation loss consumes: logits [B, k] for classification (the loss
 * applies the softmax), or the value on the [0, 1] scale of the label range, shape [B, 1], for regression.
 * Custom heads extend this class and are made by a {@link HeadFactory} registered under a name ({@link
 * ModelHeads#withHead}); their parameters are named under
 * {@code heads.<task>.} in saved models.
 */
public abstract class TaskHead extends AbstractBlock {

  /** Maps pooled vectors [B, H] to this head's outputs. */
  public abstract NDArray apply(ParameterStore store, NDArray pooled, boolean training);

  @Override
  protected final NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(store, inputs.singletonOrThrow(), training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Block child : children.values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }

  /**
   * The output shape for pooled input [B, H]. This default runs the (initialised) head once, without
   * gradients, on one row of zeros; heads that know their output size override it.
   */
  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    checkState(isInitialized(), "%s: initialise the head before asking for its output shape",
        getClass().getSimpleName());
    Shape in = inputShapes[0];
    Device device = getParameters().values().stream().map(Parameter::getArray).map(NDArray::getDevice)
        .findFirst().orElse(null);
    try (NDManager scratch = TorchEngine.newManager(device)) {
      NDArray out = apply(new ParameterStore(scratch, false), scratch.zeros(new Shape(1, in.get(1))), false);
      long[] shape = out.getShape().getShape();
      shape[0] = in.get(0);
      return new Shape[] {new Shape(shape)};
    }
  }
}
