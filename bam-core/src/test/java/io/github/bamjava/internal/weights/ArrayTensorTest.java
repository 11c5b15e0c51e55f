package io.github.bamjava.internal.weights;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.bamjava.testing.EngineManager;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EngineManager.class)
class ArrayTensorTest {

  private NDManager manager;

  @Test
  void aFloatArrayOnTheCpuIsReadWhereItLies() {
    NDArray array = manager.arange(12f).reshape(3, 4);
    ArrayTensor view = new ArrayTensor(array);
    assertThat(view.shape()).containsExactly(3, 4);
    FloatBuffer buffer = view.buffer();
    assertThat(buffer.isDirect()).isTrue();
    assertThat(view.toFloatArray()).containsExactly(array.toFloatArray());
    // The same memory: a change to the array shows in a buffer taken before it.
    array.muli(2);
    assertThat(buffer.get(5)).isEqualTo(10f);
  }

  @Test
  void otherArraysAreReadAsCopiesWithTheRightValues() {
    NDArray matrix = manager.arange(6f).reshape(2, 3);
    // A transposed view is not contiguous: its values must come out in its own row-major order.
    assertThat(new ArrayTensor(matrix.transpose()).toFloatArray()).containsExactly(0, 3, 1, 4, 2, 5);
    NDArray half = manager.create(new float[] {0.5f, -2f, 1024f}).toType(DataType.FLOAT16, false);
    assertThat(new ArrayTensor(half).toFloatArray()).containsExactly(0.5f, -2f, 1024f);
    ArrayTensor empty = new ArrayTensor(manager.zeros(new Shape(0, 4)));
    assertThat(empty.shape()).containsExactly(0, 4);
    assertThat(empty.buffer().remaining()).isZero();
  }
}
