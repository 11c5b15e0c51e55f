package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.bamjava.testing.EngineManager;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EngineManager.class)
class DropoutMaskTest {

  // Odd, and more than ten parallel tasks' worth of elements, so that the last element of the last task is
  // the low half of a word with no partner.
  private static final int N = 700_001;
  private NDManager manager;

  private static float[] fill(int n, long seed, float p) {
    FloatBuffer out = FloatBuffer.allocate(n);
    DropoutMask.fill(out, seed, p);
    return out.array();
  }

  @Test
  void dropsPAndScalesTheRestForSeveralRates() {
    for (float p : new float[] {0.1f, 0.5f, 0.9f}) {
      float[] mask = fill(N, 42, p);
      int zeros = 0;
      for (float v : mask) {
        if (v == 0f) {
          zeros++;
        } else {
          assertThat(v).isEqualTo(1f / (1f - p));
        }
      }
      // Six standard deviations of Binomial(N, p): a correct mask never misses it, a biased one (off by 1%)
      // does.
      double sd = Math.sqrt(N * p * (1 - p));
      assertThat((double) zeros).as("drops at p = %s", p).isBetween(N * p - 6 * sd, N * p + 6 * sd);
    }
  }

  @Test
  void theTwoMasksOfOneRandomWordAreIndependent() {
    float p = 0.3f;
    float[] mask = fill(N, 9, p);
    int pairs = N / 2;
    int both = 0;
    for (int w = 0; w < pairs; w++) {
      if (mask[2 * w] == 0f && mask[2 * w + 1] == 0f) {
        both++;
      }
    }
    double expected = pairs * p * p;
    double sd = Math.sqrt(pairs * p * p * (1 - p * p));
    assertThat((double) both).isBetween(expected - 6 * sd, expected + 6 * sd);
  }

  @Test
  void anElementDependsOnlyOnTheSeedAndItsIndex() {
    // The work is split into parallel tasks by size; a shorter mask must be the prefix of a longer one,
    // whatever the split and the threads.
    float[] longer = fill(N, 5, 0.1f);
    float[] shorter = fill(100_003, 5, 0.1f);
    for (int i = 0; i < shorter.length; i++) {
      assertThat(shorter[i]).as("element %s", i).isEqualTo(longer[i]);
    }
    assertThat(fill(N, 5, 0.1f)).isEqualTo(longer);
    assertThat(fill(N, 6, 0.1f)).isNotEqualTo(longer);
  }

  @Test
  void aDrawnMaskFollowsTheEngineSeedAndLandsInTheTensor() {
    Shape shape = new Shape(3, 5, 7);
    Engine.getInstance().setRandomSeed(21);
    NDArray a = DropoutMask.draw(manager, shape, 0.5f);
    NDArray b = DropoutMask.draw(manager, shape, 0.5f);
    Engine.getInstance().setRandomSeed(21);
    NDArray again = DropoutMask.draw(manager, shape, 0.5f);
    assertThat(a.getShape()).isEqualTo(shape);
    assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
    assertThat(a.contentEquals(again)).isTrue();
    assertThat(a.contentEquals(b)).isFalse();
    // The values read back through libtorch are those written from Java: every one 0 or 2.
    for (float v : a.toFloatArray()) {
      assertThat(v).isIn(0f, 2f);
    }
  }

  @Test
  void servesFp32OnTheCpuOnly() {
    assertThat(DropoutMask.serves(DataType.FLOAT32, manager.getDevice())).isTrue();
    assertThat(DropoutMask.serves(DataType.FLOAT16, manager.getDevice())).isFalse();
    assertThat(DropoutMask.serves(DataType.FLOAT32, ai.djl.Device.gpu())).isFalse();
  }
}
