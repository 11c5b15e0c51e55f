package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class ScalarsTest {

  @Test
  void aScalarIsAnFp32ArrayOnTheOperandsDeviceAndKeepsTheOperandsType() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray half = m.create(new float[] {1f, 2f}).toType(DataType.FLOAT16, false);
      NDArray c = Scalars.of(half, 0.5f);
      assertThat(c.getShape().dimension()).isZero();
      assertThat(c.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(c.getDevice()).isEqualTo(half.getDevice());
      NDArray product = half.mul(c);
      assertThat(product.getDataType()).isEqualTo(DataType.FLOAT16);
      assertThat(product.toType(DataType.FLOAT32, false).toFloatArray()).containsExactly(0.5f, 1f);
    }
  }

  @Test
  void theGradientOfAProductIsTheScalar() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {1f, 2f, 3f});
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = x.mul(Scalars.of(x, 0.25f)).sum();
        System.gc();
        gc.backward(y);
      }
      assertThat(x.getGradient().toFloatArray()).containsExactly(0.25f, 0.25f, 0.25f);
    }
  }
}
