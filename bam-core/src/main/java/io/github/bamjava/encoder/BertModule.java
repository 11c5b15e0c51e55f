package io.github.bamjava.encoder;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/**
 * Base of the encoder's blocks. Every parameter has a fixed shape known at construction, as in a HuggingFace
 * module, so initialisation never depends on the input shape and a checkpoint can be loaded before any forward
 * pass. Children and parameters are named exactly as in HuggingFace checkpoints; see {@link ParameterNames}.
 */
abstract class BertModule extends AbstractBlock {

  /** The weight of a Linear or embedding layer: BERT's truncated normal with standard deviation 0.02. */
  static final Initializer WEIGHT_INIT = new ai.djl.training.initializer.TruncatedNormalInitializer(0.02f);

  protected final Parameter parameter(String name, Parameter.Type type, Shape shape, Initializer init) {
    return addParameter(Parameter.builder()
        .setName(name)
        .setType(type)
        .optShape(shape)
        .optInitializer(init)
        .build());
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Block child : children.values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    // Shapes are only needed by DJL's Trainer, which this library does not use; the blocks are shape-agnostic.
    return inputShapes;
  }
}
