package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;

/**
 * The arithmetic of multi-head self-attention, shared by the blocks that own its projections under their
 * architecture's names (BERT's {@code attention.self.query}, DistilBERT's {@code attention.q_lin}, ...).
 *
 * <p>Under mixed precision (FP16 projections, see {@link Precision}) the scores come out of their product in
 * FP16 and adding the FP32 mask bias promotes them to FP32, so the softmax and its dropout run in FP32; the
 * probabilities are cast to the values' type for the second product.
 */
final class ScaledDotProductAttention {
  private final int heads;
  private final int headSize;
  private final float dropout;

  ScaledDotProductAttention(BertConfig config) {
    heads = config.numAttentionHeads();
    headSize = config.headSize();
    dropout = config.attentionProbsDropoutProb();
  }

  /**
   * The context of every position. Inputs: hidden [B, S, H] and mask bias [B, 1, 1, S] (0 for tokens, a large
   * negative for padding); or packed hidden [T, H], the mask bias and the arrays of a {@link TokenPacking}, and
   * maybe of {@link AttentionGroups}. The context comes out in the layout of the hidden states.
   */
  NDArray attend(ParameterStore store, NDList inputs, Dense query, Dense key, Dense value, boolean training) {
    NDArray hidden = inputs.get(0);
    NDArray maskBias = inputs.get(1);
    long batch = maskBias.getShape().get(0);
    long seq = maskBias.getShape().get(3);
    TokenPacking packing = TokenPacking.from(inputs, batch, seq);
    hidden = query.castInput(store, hidden, training);
    // Scaling the query rather than the scores touches S*H elements instead of heads*S*S.
    NDArray projected = query.apply(store, hidden, training);
    NDArray q = projected.muli(Scalars.of(projected, (float) (1.0 / Math.sqrt(headSize))));
    NDArray k = key.apply(store, hidden, training);
    NDArray v = value.apply(store, hidden, training);
    AttentionGroups groups = AttentionGroups.from(inputs);
    if (groups != null) {
      return attendInGroups(q, k, v, groups, training);
    }
    NDArray context = attendRows(splitHeads(q, packing, batch, seq), splitHeads(k, packing, batch, seq),
        splitHeads(v, packing, batch, seq), maskBias, training).reshape(batch, seq, (long) heads * headSize);
    return packing == null ? context : packing.pack(context);
  }

  /** Attention of each group of rows apart, on packed q, k, v [T, H]: the context of the packed tokens [T, H]. */
  private NDArray attendInGroups(NDArray q, NDArray k, NDArray v, AttentionGroups groups, boolean training) {
    NDArray qs = groups.toGroups(q);
    NDArray ks = groups.toGroups(k);
    NDArray vs = groups.toGroups(v);
    NDList contexts = new NDList(groups.count());
    long start = 0;
    for (int g = 0; g < groups.count(); g++) {
      NDArray bias = groups.bias(g);
      long rows = bias.getShape().get(0);
      long length = bias.getShape().get(3);
      NDIndex block = new NDIndex("{}:{}", start, start + rows * length);
      contexts.add(attendRows(heads(qs.get(block), rows, length), heads(ks.get(block), rows, length),
          heads(vs.get(block), rows, length), bias, training).reshape(rows * length, (long) heads * headSize));
      start += rows * length;
    }
    return groups.toTokens(NDArrays.concat(contexts));
  }

  /**
   * Attention of rows padded to one length: q, k, v [rows, heads, S, head size] and the mask bias [rows, 1, 1, S]
   * to the context [rows, S, heads, head size].
   */
  private NDArray attendRows(NDArray q, NDArray k, NDArray v, NDArray maskBias, boolean training) {
    NDArray product = q.matMul(k.transpose(0, 1, 3, 2));
    // The mask goes onto the product in place where the types allow (not on a product of FP16 projections), and
    // the scores go as soon as their softmax exists (its backward pass needs its output, not its input): of the
    // product, the masked scores and the softmax, [B, heads, S, S] each and the largest arrays of a forward
    // pass, only the softmax is left.
    NDArray scores = product.getDataType() == maskBias.getDataType() ? product.addi(maskBias) : product.add(maskBias);
    NDArray softmax;
    try (scores) {
      softmax = scores.softmax(-1);
    }
    NDArray probs = Precision.cast(BertDropout.apply(softmax, dropout, training), v.getDataType());
    return probs.matMul(v).transpose(0, 2, 1, 3);
  }

  /** [B, S, H] (or packed [T, H]) to [B, heads, S, head size]. */
  private NDArray splitHeads(NDArray x, TokenPacking packing, long batch, long seq) {
    return heads(packing == null ? x : packing.unpack(x), batch, seq);
  }

  /** [rows, S, H] or [rows·S, H] to [rows, heads, S, head size]. */
  private NDArray heads(NDArray x, long rows, long seq) {
    return x.reshape(rows, seq, heads, headSize).transpose(0, 2, 1, 3);
  }
}
