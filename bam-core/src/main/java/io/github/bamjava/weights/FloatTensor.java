package io.github.bamjava.weights;

import java.nio.FloatBuffer;

/**
 * A float32 tensor as a file writer reads it: its shape, and its values in row-major order, read once from front
 * to back. A {@link HostTensor} is one; so is a view of an array in libtorch's memory, which lets a checkpoint be
 * written without first copying the model and its optimizer's moments onto the Java heap.
 */
public interface FloatTensor {

  /** The dimensions, outermost first. */
  long[] shape();

  /**
   * The values in row-major order, from the buffer's position to its limit: as many as the shape holds. A view of
   * the tensor's own memory where it can be one, so read it before the tensor changes or is freed.
   */
  FloatBuffer buffer();

  /** A copy of the values in a Java array. */
  default float[] toFloatArray() {
    FloatBuffer values = buffer();
    float[] out = new float[values.remaining()];
    values.get(out);
    return out;
  }
}
