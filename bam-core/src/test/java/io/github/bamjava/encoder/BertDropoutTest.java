package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.bamjava.testing.EngineManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EngineManager.class)
class BertDropoutTest {

  private static final int N = 400_000;
  private NDManager manager;

  @Test
  void dropsAboutPAndScalesTheSurvivors() {
    Engine.getInstance().setRandomSeed(7);
    NDArray x = manager.ones(new Shape(N));
    float[] y = BertDropout.apply(x, 0.1f, true).toFloatArray();
    int zeros = 0;
    for (float v : y) {
      if (v == 0f) {
        zeros++;
      } else {
        assertThat(v).isEqualTo(1f / 0.9f);
      }
    }
    // Binomial(400000, 0.1): standard deviation 190; six of them is a bound that a correct mask never misses.
    assertThat(zeros).isBetween(40_000 - 1_140, 40_000 + 1_140);
  }

  @Test
  void typesOutsideJavasMasksDrawThroughLibtorchWithTheSameRate() {
    // FP64 is not served by DropoutMask: this runs the libtorch path that other devices and types take.
    Engine.getInstance().setRandomSeed(8);
    NDArray x = manager.ones(new Shape(N)).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
    double[] y = BertDropout.apply(x, 0.1f, true).toDoubleArray();
    int zeros = 0;
    for (double v : y) {
      if (v == 0) {
        zeros++;
      } else {
        assertThat(v).isCloseTo(1 / 0.9, within(1e-6));
      }
    }
    assertThat(zeros).isBetween(40_000 - 1_140, 40_000 + 1_140);
  }

  @Test
  void keepsTheExpectedValue() {
    Engine.getInstance().setRandomSeed(11);
    NDArray x = manager.randomUniform(0f, 2f, new Shape(N));
    double before = x.mean().getFloat();
    double after = BertDropout.apply(x, 0.3f, true).mean().getFloat();
    assertThat(after).isCloseTo(before, within(0.01));
  }

  @Test
  void outsideTrainingOrAtZeroTheInputPassesThrough() {
    NDArray x = manager.ones(new Shape(10));
    assertThat(BertDropout.apply(x, 0.5f, false)).isSameAs(x);
    assertThat(BertDropout.apply(x, 0f, true)).isSameAs(x);
  }

  @Test
  void theSameSeedDrawsTheSameMask() {
    NDArray x = manager.ones(new Shape(1000));
    Engine.getInstance().setRandomSeed(3);
    NDArray a = BertDropout.apply(x, 0.5f, true);
    Engine.getInstance().setRandomSeed(3);
    NDArray b = BertDropout.apply(x, 0.5f, true);
    NDArray c = BertDropout.apply(x, 0.5f, true);
    assertThat(a.contentEquals(b)).isTrue();
    assertThat(a.contentEquals(c)).isFalse();
  }

  @Test
  void gradientIsTheScaledMask() {
    Engine.getInstance().setRandomSeed(5);
    NDArray x = manager.randomNormal(new Shape(2000));
    x.setRequiresGradient(true);
    NDArray y;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      y = BertDropout.apply(x, 0.25f, true);
      gc.backward(y.sum());
    }
    float[] grad = x.getGradient().toFloatArray();
    float[] out = y.toFloatArray();
    for (int i = 0; i < grad.length; i++) {
      // Where the output is zero the mask dropped the element (x is never exactly 0 here).
      assertThat(grad[i]).isEqualTo(out[i] == 0f ? 0f : 1f / 0.75f);
    }
  }

  @Test
  void rejectsAProbabilityOutsideZeroToOne() {
    NDArray x = manager.ones(new Shape(3));
    assertThatThrownBy(() -> BertDropout.apply(x, 1f, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 1.0");
    assertThatThrownBy(() -> BertDropout.apply(x, -0.1f, true)).hasMessageContaining("got -0.1");
  }
}
