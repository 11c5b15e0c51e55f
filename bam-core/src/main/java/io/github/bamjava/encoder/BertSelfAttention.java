package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head scaled dot-product self-attention (HuggingFace {@code attention.self}): query, key and value
 * projections, an additive mask that hides padding, softmax, dropout on the probabilities.
 */
public final class BertSelfAttention extends BertModule {

  private final Dense query;
  private final Dense key;
  private final Dense value;
  private final int heads;
  private final int headSize;
  private final float dropout;

  public BertSelfAttention(BertConfig config) {
    int h = config.hiddenSize();
    query = addChildBlock("query", new Dense(h, h));
    key = addChildBlock("key", new Dense(h, h));
    value = addChildBlock("value", new Dense(h, h));
    heads = config.numAttentionHeads();
    headSize = config.headSize();
    dropout = config.attentionProbsDropoutProb();
  }

  /** Inputs: hidden [B, S, H], mask bias [B, 1, 1, S] (0 for tokens, a large negative for padding). */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray hidden = inputs.get(0);
    NDArray maskBias = inputs.get(1);
    long batch = hidden.getShape().get(0);
    long seq = hidden.getShape().get(1);
    // Scaling the query rather than the scores touches S*H elements instead of heads*S*S.
    NDArray q = splitHeads(query.apply(store, hidden, training).muli(1.0 / Math.sqrt(headSize)), batch, seq);
    NDArray k = splitHeads(key.apply(store, hidden, training), batch, seq);
    NDArray v = splitHeads(value.apply(store, hidden, training), batch, seq);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).add(maskBias);
    NDArray probs = BertDropout.apply(scores.softmax(-1), dropout, training);
    NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(batch, seq, (long) heads * headSize);
    return new NDList(context);
  }

  private NDArray splitHeads(NDArray x, long batch, long seq) {
    return x.reshape(batch, seq, heads, headSize).transpose(0, 2, 1, 3);
  }
}
