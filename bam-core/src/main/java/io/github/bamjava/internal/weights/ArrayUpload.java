package io.github.bamjava.internal.weights;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.bamjava.weights.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Copies host floats into existing arrays in place, a bounded chunk at a time, through one small direct buffer
 * that is reused for every chunk and every array of a load.
 *
 * <p>Why not {@code NDArray.set(float[])} or {@code NDManager.create(float[])}: DJL hands Java data to libtorch
 * in a direct {@code ByteBuffer}, and on the CPU the native tensor then <em>keeps pointing at that buffer</em>
 * (the array holds on to it), so the array's values live in the JVM's direct memory for as long as the array
 * does. Loading a MiniLM checkpoint that way parks ~90 MB of weights and ~180 MB of Adam moments there, over the
 * launcher's {@code -XX:MaxDirectMemorySize=256m}. Here each chunk becomes a short-lived array over the staging
 * buffer that libtorch copies into the target's own storage: the target's memory stays libtorch's, and the
 * direct memory used is one chunk, whatever the size of the checkpoint. The target keeps its identity (the
 * optimizer and DJL's parameters hold on to it), its device and its gradient.
 *
 * <p>Not thread-safe: one instance per load.
 */
public final class ArrayUpload {

  /** Floats per chunk: 4 MB of direct memory. */
  static final int CHUNK_FLOATS = 1 << 20;

  private static final NDIndex ALL = new NDIndex("...");

  private ByteBuffer staging;

  /**
   * Copies {@code values} (row-major, as in {@link HostTensor}) into {@code target}, a FLOAT32 array of as many
   * elements.
   *
   * @throws IllegalArgumentException when the counts or the type do not fit
   */
  public void copy(float[] values, NDArray target) {
    copy(FloatBuffer.wrap(values), target);
  }

  /**
   * Copies the values from {@code values}' position to its limit (row-major, as a {@link
   * io.github.bamjava.weights.FloatTensor} gives them) into {@code target}, a FLOAT32 array of as many elements.
   * The buffer's position is left where it was.
   *
   * @throws IllegalArgumentException when the counts or the type do not fit
   */
  public void copy(FloatBuffer values, NDArray target) {
    Shape shape = target.getShape();
    int length = values.remaining();
    checkArgument(length == shape.size(), "%s values do not fit an array of shape %s", length, shape);
    checkArgument(target.getDataType() == DataType.FLOAT32, "only FLOAT32 arrays are filled here, got %s",
        target.getDataType());
    if (length == 0) {
      return;
    }
    // Chunks are whole rows of the outermost dimension, so each is a plain slice of the target.
    long rows = shape.dimension() == 0 ? 1 : shape.get(0);
    long rowSize = length / rows;
    long rowsPerChunk = Math.max(1, CHUNK_FLOATS / rowSize);
    try (NDManager scratch = target.getManager().newSubManager()) {
      for (long row = 0; row < rows; row += rowsPerChunk) {
        long n = Math.min(rowsPerChunk, rows - row);
        int from = Math.toIntExact(row * rowSize);
        int count = Math.toIntExact(n * rowSize);
        ByteBuffer buffer = staging(count);
        buffer.asFloatBuffer().put(values.slice(values.position() + from, count));
        boolean whole = n == rows;
        Shape chunkShape = whole ? shape : new Shape(withFirst(shape, n));
        try (NDArray chunk = scratch.create(buffer, chunkShape, DataType.FLOAT32)) {
          target.set(whole ? ALL : new NDIndex("{}:{}", row, row + n), chunk);
        }
      }
    }
  }

  /** The staging buffer, grown when needed, limited to {@code floats} values. */
  private ByteBuffer staging(int floats) {
    int bytes = Math.multiplyExact(floats, Float.BYTES);
    if (staging == null || staging.capacity() < bytes) {
      staging = ByteBuffer.allocateDirect(Math.max(bytes, CHUNK_FLOATS * Float.BYTES))
          .order(ByteOrder.nativeOrder());
    }
    staging.clear().limit(bytes);
    return staging;
  }

  private static long[] withFirst(Shape shape, long first) {
    long[] dims = Arrays.copyOf(shape.getShape(), shape.dimension());
    dims[0] = first;
    return dims;
  }
}
