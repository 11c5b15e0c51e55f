package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/**
 * Moves hidden states between the padded layout [B, S, H] and a packed one [T, H] that holds only the T real
 * tokens of the batch, in order.
 *
 * <p>Why: every part of a BERT layer but attention works on each token alone (the dense layers, GELU,
 * LayerNorm, dropout, the residual sums), and the dense layers are most of a training step. On a padded batch
 * they would spend that time on padding; on the packed tokens they do only the work the real tokens need.
 * Attention, which mixes tokens, unpacks its query, key and value to [B, S, H] and packs its context again.
 * Padding positions come back as zero vectors; the attention mask hides them as it always did, so the real
 * tokens' results are those of the padded computation. A batch without padding is never packed.
 *
 * <p>Both moves are row gathers ({@code embedding}), whose gradients libtorch knows.
 */
final class TokenPacking {

  /** Row index in the padded [B·S, H] view of each real token, in order: [T]. */
  private final NDArray realRows;
  /** For each of the B·S padded positions, its row among the packed tokens, or T (a zero row) for padding. */
  private final NDArray packedRowOf;
  private final long batch;
  private final long seq;

  private TokenPacking(NDArray realRows, NDArray packedRowOf, long batch, long seq) {
    this.realRows = realRows;
    this.packedRowOf = packedRowOf;
    this.batch = batch;
    this.seq = seq;
  }

  /**
   * The packing of a batch with this attention mask [B, S] (1 for tokens, 0 for padding), or null when the
   * batch has no padding. Reads the mask back to the host: a wait for the device on every forward pass, which
   * {@link EncoderInputs} avoids by computing the packing where the batch is built.
   */
  static TokenPacking of(NDArray mask) {
    long batch = mask.getShape().get(0);
    long seq = mask.getShape().get(1);
    long[][] rows = rowsOf(mask.toType(DataType.INT64, false).toLongArray());
    if (rows == null) {
      return null;
    }
    NDManager manager = mask.getManager();
    return new TokenPacking(manager.create(rows[0]), manager.create(rows[1]), batch, seq);
  }

  /**
   * The packing that {@link EncoderInputs} computed on the host (its arrays 3 and 4), or null when the batch
   * has no padding (both empty).
   */
  static TokenPacking prepared(NDArray realRows, NDArray packedRowOf, long batch, long seq) {
    if (packedRowOf.size() == 0) {
      return null;
    }
    checkArgument(packedRowOf.size() == batch * seq,
        "the packing of a %s x %s batch has %s positions", batch, seq, packedRowOf.size());
    return new TokenPacking(realRows, packedRowOf, batch, seq);
  }

  /**
   * For a mask of B·S flags (row-major, non-zero for a token): the padded-layout row of each real token, in
   * order, and for each position its row among the real tokens (T for padding, a zero row); null when every
   * position is a token.
   */
  static long[][] rowsOf(long[] flags) {
    long[] rowOf = new long[flags.length];
    int tokens = 0;
    for (int i = 0; i < flags.length; i++) {
      if (flags[i] != 0) {
        rowOf[i] = tokens++;
      }
    }
    if (tokens == flags.length) {
      return null;
    }
    long[] realRows = new long[tokens];
    for (int i = 0; i < flags.length; i++) {
      if (flags[i] != 0) {
        realRows[(int) rowOf[i]] = i;
      } else {
        rowOf[i] = tokens;
      }
    }
    return new long[][] {realRows, rowOf};
  }

  /** [B, S, H] to [T, H]: the real tokens' rows. */
  NDArray pack(NDArray padded) {
    long hidden = padded.getShape().get(2);
    return gather(padded.reshape(batch * seq, hidden), realRows);
  }

  /** [T, H] to [B, S, H], with zero vectors at padding positions. */
  NDArray unpack(NDArray packed) {
    return gatherWithZeroRow(packed, packedRowOf).reshape(batch, seq, packed.getShape().get(1));
  }

  /** The rows {@code rows} of {@code packed} [T, H], where row T is a zero vector: [rows, H]. */
  static NDArray gatherWithZeroRow(NDArray packed, NDArray rows) {
    long hidden = packed.getShape().get(1);
    NDArray withZeroRow = NDArrays.concat(
        new NDList(packed, packed.getManager().zeros(new Shape(1, hidden), packed.getDataType())));
    return gather(withZeroRow, rows);
  }

  /** The arrays that carry the packing through a block's inputs (after the hidden states and the mask bias). */
  NDList arrays() {
    return new NDList(realRows, packedRowOf);
  }

  /** The packing carried in {@code inputs} at positions 2 and 3, or null when there is none. */
  static TokenPacking from(NDList inputs, long batch, long seq) {
    if (inputs.size() < 4) {
      return null;
    }
    return new TokenPacking(inputs.get(2), inputs.get(3), batch, seq);
  }

  /** The rows {@code rows} of {@code table}: a gather whose gradient libtorch knows. */
  static NDArray gather(NDArray table, NDArray rows) {
    return Embedding.embedding(rows, table, SparseFormat.DENSE).singletonOrThrow();
  }
}
