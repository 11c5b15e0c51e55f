package io.github.bamjava.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.bamjava.encoder.CheckpointLayout;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The AdamW update as BERT's {@code AdamWeightDecayOptimizer} makes it, over the {@link FlatBuffers}:
 *
 * <pre>
 *   m      = β1·m + (1 − β1)·g
 *   v      = β2·v + (1 − β2)·g²
 *   update = m / (sqrt(v) + ε)  +  wd·p                         (wd·p only for decayed parameters)
 *   p      = p − lr_p·update
 * </pre>
 *
 * <p>With bias correction the update reads {@code m / (1 − β1^(t+1))} and {@code v / (1 − β2^(t+1))} at 0-based
 * step {@code t}; BERT has none. The weight decay is decoupled from the gradient and skips LayerNorm parameters and
 * biases ({@link #appliesWeightDecay}).
 */
final class AdamW {

  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final boolean biasCorrection;
  /** Whether {@link OnePassAdamW} serves these parameters; null until the first update. */
  private @Nullable Boolean onePass;

  /** The update with the Adam and weight-decay values of {@code settings}. */
  AdamW(OptimizerSettings settings) {
    this.beta1 = settings.beta1();
    this.beta2 = settings.beta2();
    this.epsilon = settings.epsilon();
    this.weightDecay = settings.weightDecay();
    this.biasCorrection = settings.biasCorrection();
  }

  /**
   * Whether weight decay applies to a parameter: not to normalisation parameters ({@link
   * CheckpointLayout#isNormalization}) nor to biases, as in BERT, since pulling a normalisation gain or an offset
   * towards 0 is not regularisation but distortion.
   */
  static boolean appliesWeightDecay(String parameterName) {
    return !CheckpointLayout.isNormalization(parameterName) && !parameterName.endsWith(".bias");
  }

  /**
   * Updates the moments run by run, then decays and moves each live parameter by its slice of the work buffer.
   * The arithmetic is rearranged as (1 − β1)·(g + m·β1/(1 − β1)) for m, and the decoupled decay p·(1 − lr·wd)
   * before p −= (lr/c1)·m / (sqrt(v)/c2 + ε), where c1 and c2 are the bias corrections (1 without them). The
   * square root and the division are their own operations, not powers: DJL passes a scalar exponent as an array,
   * which sends libtorch to its general element-wise pow, several times slower on a CPU.
   *
   * @param gradScale what the gradients in the work buffer are multiplied by first (clipping, loss unscaling)
   * @param baseRate the step's rate before the layer-wise factor
   * @param step the 0-based index of this update
   */
  void update(NDManager scratch, FlatBuffers buffers, List<FlatBuffers.Slot> live, double gradScale,
      double baseRate, int step) {
    double c1 = 1;
    double c2 = 1;
    if (biasCorrection) {
      int t = step + 1;
      c1 = 1 - Math.pow(beta1, t);
      c2 = Math.sqrt(1 - Math.pow(beta2, t));
    }
    if (onePass == null) {
      // Decided once: the parameters' arrays, types and devices stay as they are for the optimizer's life.
      onePass = OnePassAdamW.serves(buffers.slots());
    }
    if (onePass) {
      OnePassAdamW.update(live, OnePassAdamW.Step.of(gradScale, beta1, beta2, epsilon, c2), baseRate, c1,
          weightDecay);
      return;
    }
    updateWithOperations(scratch, buffers, live, gradScale, baseRate, c1, c2);
  }

  /**
   * The update through libtorch's operations, run by run over the flat buffers: any device and type ({@link
   * OnePassAdamW} does FP32 on the CPU in one pass).
   */
  void updateWithOperations(NDManager scratch, FlatBuffers buffers, List<FlatBuffers.Slot> live, double gradScale,
      double baseRate, double c1, double c2) {
    for (FlatBuffers.Run run : buffers.runs()) {
      NDArray m = run.m();
      NDArray v = run.v();
      NDArray w = run.work();
      scratch.tempAttachAll(m, v, w);
      if (gradScale != 1.0) {
        w.muli(gradScale);
      }
      m.muli(beta1 / (1 - beta1)).addi(w).muli(1 - beta1);
      w.muli(w).muli(1 - beta2);
      v.muli(beta2).addi(w);
      try (NDArray denominator = v.sqrt()) {
        if (c2 != 1) {
          denominator.divi(c2);
        }
        denominator.addi(epsilon);
        // Not copyTo(): DJL copies through a host ByteBuffer, a round trip through Java.
        w.set(FlatBuffers.ALL, m);
        w.divi(denominator).muli(baseRate * run.layerScale() / c1);
      }
    }
    for (FlatBuffers.Slot slot : live) {
      NDArray p = slot.parameter().getArray();
      if (slot.decayed() && weightDecay != 0) {
        double rate = baseRate * slot.layerScale();
        p.muli(1 - rate * weightDecay);
      }
      p.subi(slot.work());
    }
  }
}
