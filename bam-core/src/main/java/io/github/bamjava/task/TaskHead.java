package io.github.bamjava.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A task's output layer on the encoder's pooled [CLS] vector.
 *
 * <p>{@link #apply} returns what the distillation loss consumes: logits [B, k] for classification (the loss
 * applies the softmax), or a value in [0, 1] of shape [B, 1] for regression. Custom heads extend this class;
 * their parameters are named under {@code heads.<task>.} in saved models.
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

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
