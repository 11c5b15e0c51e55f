package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for operations whose backward pass needs them: {@code x.mul(Scalars.of(x, 0.5f))}, never
 * {@code x.mul(0.5f)}, in a forward pass that is differentiated.
 *
 * <p>Why: DJL 0.36 turns a Java number operand into an array over a direct buffer and drops the buffer right
 * after the operation, but libtorch's autograd keeps that array for the backward pass (the derivative of
 * {@code c·x} is {@code c}). A garbage collection between forward and backward frees the buffer, and the
 * backward pass then reads whatever was allocated there since: wrong gradients, silently, now and then. A scalar
 * made here is made by libtorch and lives as long as autograd needs it. Operations whose backward pass does not
 * need the scalar ({@code add}, {@code sub}) and arrays that need no gradient are safe with plain numbers.
 * {@code GarbageCollectionDuringTrainingTest} forces collections during training and fails without this.
 */
public final class Scalars {
  private Scalars() {}

  /**
   * {@code value} as a 0-dimensional FP32 array in {@code like}'s manager and on its device. FP32 even when
   * {@code like} is FP16: a product with a 0-dimensional array keeps the type of the other operand and uses the
   * unrounded factor (an FP16 scale of attention, 1/√8 rounded, moved a mixed-precision run's loss measurably).
   */
  public static NDArray of(NDArray like, float value) {
    return like.getManager().full(new Shape(), value, DataType.FLOAT32);
  }
}
