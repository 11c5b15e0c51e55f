package io.github.bamjava.encoder;

import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head scaled dot-product self-attention (HuggingFace {@code attention.self}): query, key and value
 * projections, an additive mask that hides padding, softmax, dropout on the probabilities. The arithmetic is
 * {@link ScaledDotProductAttention}'s.
 */
public final class BertSelfAttention extends BertModule {

  private final Dense query;
  private final Dense key;
  private final Dense value;
  private final ScaledDotProductAttention attention;

  /** The query, key and value projections of {@code config}'s hidden size and heads. */
  public BertSelfAttention(BertConfig config) {
    int h = config.hiddenSize();
    query = addChildBlock("query", new Dense(h, h));
    key = addChildBlock("key", new Dense(h, h));
    value = addChildBlock("value", new Dense(h, h));
    attention = new ScaledDotProductAttention(config);
  }

  /**
   * Inputs: hidden [B, S, H] and mask bias [B, 1, 1, S] (0 for tokens, a large negative for padding); or packed
   * hidden [T, H], the mask bias and the arrays of a {@link TokenPacking}. The context comes out in the layout
   * of the hidden states.
   */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(attention.attend(store, inputs, query, key, value, training));
  }
}
