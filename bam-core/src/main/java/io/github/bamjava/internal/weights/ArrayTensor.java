package io.github.bamjava.internal.weights;

import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.bamjava.weights.FloatTensor;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * An array in libtorch's memory read as a {@link FloatTensor}, for writing it to a file (a checkpoint, a saved
 * model) without copying it into a Java array first.
 *
 * <p>Why: a checkpoint of MiniLM is ~90 MB of weights and ~180 MB of Adam moments. Copied into float arrays, every
 * checkpoint of every training of a run put ~270 MB of short-lived arrays on the Java heap (Java Flight Recorder
 * on a whole {@code bam glue}); read where they lie, a checkpoint takes one 1 MB chunk of heap. A FP32 array on
 * the CPU is read where it lies; any other (another device or type) is copied, one array at a time.
 */
public final class ArrayTensor implements FloatTensor {

  private final NDArray array;

  /** A view of {@code array}; it is read when the writer gets to it, so it must stay open and unchanged till then. */
  public ArrayTensor(NDArray array) {
    this.array = requireNonNull(array, "array");
  }

  @Override
  public long[] shape() {
    return array.getShape().getShape();
  }

  @Override
  public FloatBuffer buffer() {
    if (array.size() == 0) {
      return FloatBuffer.allocate(0);
    }
    if (array.getDataType() == DataType.FLOAT32 && Device.cpu().equals(array.getDevice())) {
      // DJL hands out a contiguous array's own memory, and a copy of any other: right values either way.
      return array.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
    // The CPU FP32 copy lives in a manager of its own, closed once it is read: attached to the array's manager,
    // every checkpoint would leave one more behind until the model is closed.
    try (NDManager scratch = array.getManager().newSubManager(Device.cpu())) {
      NDArray copy = array.toDevice(Device.cpu(), true);
      copy.attach(scratch);
      return FloatBuffer.wrap(copy.toType(DataType.FLOAT32, false).toFloatArray());
    }
  }

  @Override
  public String toString() {
    return "ArrayTensor" + array.getShape();
  }
}
