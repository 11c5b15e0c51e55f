package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Casts between FP32 and FP16 that autograd flows through, for mixed-precision training.
 *
 * <p>Under mixed precision the matrix products of the encoder ({@link Dense}) read FP16 copies of their weights,
 * while embeddings, LayerNorm, the attention softmax, the heads and the loss stay in FP32. The blocks cast their
 * inputs to the type of the weights they meet, so a model whose weights are all FP32 runs exactly as before and
 * no flag passes through the blocks.
 *
 * <p>Why not {@code NDArray.toType}: in DJL 0.36 its result is cut from the autograd graph (a loss computed from
 * a cast has no gradient), and {@code set} into an array of the other type is cut too. {@code cumProd(axis,
 * type)} is libtorch's {@code cumprod(dim, dtype)}, which casts its input and then scans; over an axis of
 * length 1 the scan is the identity, and libtorch's backward of {@code cumprod} over such an axis returns the
 * gradient unchanged, cast back to the input's type. The axis is added in front, so that the scan runs over
 * the outermost dimension: each element is read once, in order.
 */
public final class Precision {
  private Precision() {}

  /** {@code x} as {@code type}, differentiably; {@code x} itself when it already is. */
  public static NDArray cast(NDArray x, DataType type) {
    if (x.getDataType() == type) {
      return x;
    }
    return x.expandDims(0).cumProd(0, type).squeeze(0);
  }
}
