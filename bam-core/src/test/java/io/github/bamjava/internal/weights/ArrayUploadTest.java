package io.github.bamjava.internal.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.bamjava.testing.EngineManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EngineManager.class)
class ArrayUploadTest {

  private NDManager manager;

  @Test
  void copiesEveryValueInPlaceOverSeveralChunks() {
    // 3 chunks of whole rows: 2.5 chunks' worth of values, rows of 1000.
    int rows = (int) (2.5 * ArrayUpload.CHUNK_FLOATS / 1000);
    float[] values = new float[rows * 1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.5f - 7;
    }
    NDArray target = manager.zeros(new Shape(rows, 1000));
    new ArrayUpload().copy(values, target);
    // isEqualTo, not containsExactly: the latter is quadratic in AssertJ and takes minutes on 2.6M values.
    assertThat(target.toFloatArray()).isEqualTo(values);
    assertThat(target.getShape()).isEqualTo(new Shape(rows, 1000));
  }

  @Test
  void oneUploadFillsArraysOfAnyShape() {
    ArrayUpload upload = new ArrayUpload();
    NDArray vector = manager.zeros(new Shape(3));
    NDArray cube = manager.zeros(new Shape(2, 2, 2));
    NDArray empty = manager.zeros(new Shape(0, 4));
    upload.copy(new float[] {1, 2, 3}, vector);
    upload.copy(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, cube);
    upload.copy(new float[0], empty);
    assertThat(vector.toFloatArray()).containsExactly(1, 2, 3);
    assertThat(cube.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  void aParameterKeepsItsGradient() {
    NDArray w = manager.zeros(new Shape(2));
    w.setRequiresGradient(true);
    new ArrayUpload().copy(new float[] {3, 4}, w);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(w.mul(w).sum());
    }
    assertThat(w.getGradient().toFloatArray()).containsExactly(6, 8);
  }

  @Test
  void mismatchesAreErrors() {
    assertThatThrownBy(() -> new ArrayUpload().copy(new float[3], manager.zeros(new Shape(2))))
        .hasMessageContaining("3 values").hasMessageContaining("(2)");
    assertThatThrownBy(() -> new ArrayUpload().copy(new float[2], manager.zeros(new Shape(2), DataType.INT32)))
        .hasMessageContaining("int32");
  }
}
