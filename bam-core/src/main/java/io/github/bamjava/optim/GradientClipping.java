package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Global gradient-norm clipping as BERT does it: the norm is taken over the gradients of all parameters together,
 * and when it exceeds the limit {@code c} every gradient is multiplied by {@code c / norm}, which keeps their
 * direction. DJL's {@code clipGrad} clamps each element instead, which changes the direction.
 *
 * @param clipNorm the limit, {@code > 0}; {@code +Infinity} turns clipping off
 */
record GradientClipping(double clipNorm) {

  GradientClipping {
    checkArgument(clipNorm > 0, "clip norm must be > 0 (or +Infinity for no clipping), got %s", clipNorm);
  }

  /**
   * The norm of the true gradients held (multiplied by the loss scale) in one flat buffer. The loss scale is a power
   * of two, so dividing by it is exact.
   */
  static double norm(NDArray scaledGradients, double lossScale) {
    return scaledGradients.norm().getFloat() / lossScale;
  }

  /** The factor the gradients are multiplied by: {@code c / norm} above the limit, 1 otherwise. */
  double factor(double norm) {
    return norm > clipNorm ? clipNorm / norm : 1.0;
  }

  /**
   * The error of a step whose global norm is not finite, naming the parameter to blame.
   *
   * @param live the slots whose gradients are in the work buffer
   * @param unscaled whether the loss scale was already at its minimum (under mixed precision)
   */
  static IllegalStateException diverged(double norm, int step, List<FlatBuffers.Slot> live, boolean unscaled) {
    String culprit = live.get(culprit(live.stream().map(FlatBuffers.Slot::work).toList())).name();
    return new IllegalStateException(String.format(
        "gradient norm is %s at step %d (first non-finite gradient: %s)%s; parameters and moments are"
            + " unchanged, gradients were zeroed", norm, step, culprit,
        unscaled ? " even with the loss unscaled" : ""));
  }

  /**
   * The index of the gradient to blame for a total norm that is not finite: the first whose own norm is not
   * finite, or, when every float norm was finite but their double total was not, the largest.
   */
  private static int culprit(List<NDArray> gradients) {
    float[] norms = new float[gradients.size()];
    for (int i = 0; i < norms.length; i++) {
      norms[i] = gradients.get(i).norm().getFloat();
    }
    int largest = 0;
    for (int i = 0; i < norms.length; i++) {
      if (!Float.isFinite(norms[i])) {
        return i;
      }
      if (norms[i] > norms[largest]) {
        largest = i;
      }
    }
    return largest;
  }
}
