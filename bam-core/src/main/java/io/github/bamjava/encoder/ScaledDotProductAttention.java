package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
   * negative for padding); or packed hidden [T, H], the mask bias and the arrays of a {@link TokenPacking}. The
   * context comes out in the layout of the hidden states.
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
    NDArray q = splitHeads(projected.muli(Scalars.of(projected, (float) (1.0 / Math.sqrt(headSize)))), packing,
        batch, seq);
    NDArray k = splitHeads(key.apply(store, hidden, training), packing, batch, seq);
    NDArray v = splitHeads(value.apply(store, hidden, training), packing, batch, seq);
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
    NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(batch, seq, (long) heads * headSize);
    return packing == null ? context : packing.pack(context);
  }

  /** [B, S, H] (or packed [T, H]) to [B, heads, S, head size]. */
  private NDArray splitHeads(NDArray x, TokenPacking packing, long batch, long seq) {
    NDArray padded = packing == null ? x : packing.unpack(x);
    return padded.reshape(batch, seq, heads, headSize).transpose(0, 2, 1, 3);
  }
}
