package io.github.bamjava.weights;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A float32 tensor on the Java heap: the common currency between weight files and the encoder.
 *
 * <p>Readers convert whatever the file stores (F32, F16, BF16, ...) into this form in pure Java, so no
 * half-precision array is ever created on the native side (BF16 arrays crash DJL 0.36 on CPU). Values are in
 * row-major order. The array is not copied: treat it as read-only once the tensor is built.
 *
 * @param shape the dimensions, outermost first
 * @param values the elements in row-major order
 */
public record HostTensor(long[] shape, float[] values) implements FloatTensor {

  /** Checks that {@code values} holds exactly the elements of {@code shape}. */
  public HostTensor {
    requireNonNull(shape, "shape");
    requireNonNull(values, "values");
    long n = elementCount(shape);
    checkArgument(n == values.length, "shape %s holds %s elements but %s values were given",
        Arrays.toString(shape), n, values.length);
  }

  /** Number of elements a shape holds; an error for negative dimensions or overflow. */
  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      checkArgument(d >= 0, "negative dimension in shape %s", Arrays.toString(shape));
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** The values, read-only. */
  @Override
  public FloatBuffer buffer() {
    return FloatBuffer.wrap(values).asReadOnlyBuffer();
  }

  /** The shape as "[a, b]" for messages. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "HostTensor" + shapeString();
  }
}
