package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Projection, dropout, residual connection and LayerNorm. HuggingFace has two copies of this sub-block,
 * {@code attention.output} and {@code output}; their parameter names are the same, so one class serves both.
 */
public final class BertOutput extends BertModule {

  private final Dense dense;
  private final BertLayerNorm layerNorm;
  private final float dropout;

  /** The projection from {@code inputSize} back to the hidden size, with dropout, residual and layer norm. */
  public BertOutput(int inputSize, BertConfig config) {
    dense = addChildBlock("dense", new Dense(inputSize, config.hiddenSize()));
    layerNorm = addChildBlock("LayerNorm", new BertLayerNorm(config.hiddenSize(), config.layerNormEps()));
    dropout = config.hiddenDropoutProb();
  }

  /** Inputs: the sub-layer's output [B, S, in], the residual [B, S, H]. */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = BertDropout.apply(dense.apply(store, inputs.get(0), training), dropout, training);
    return new NDList(layerNorm.apply(store, x.add(inputs.get(1)), training));
  }
}
