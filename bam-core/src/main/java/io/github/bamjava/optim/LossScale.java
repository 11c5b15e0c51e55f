package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The dynamic loss scale of mixed-precision training, as a value: the factor the loss is multiplied by before
 * the backward pass, so that small gradients do not vanish in FP16, and how many steps in a row it has been used
 * without an overflow.
 *
 * <p>The rule is PyTorch's {@code GradScaler}'s: start at 2^16; when the gradients of a step are not finite, skip
 * the update and halve the scale; after {@link #GROWTH_INTERVAL} finite steps in a row, double it. As in
 * DeepSpeed, the scale does not go below {@link #MINIMUM}: gradients that overflow FP16 even unscaled are a
 * diverging run, not a scale to lower. Scales stay powers of two, so that scaling and unscaling are exact.
 *
 * @param scale the factor, a power of two {@code >= MINIMUM}
 * @param stableSteps finite steps since the scale last changed, in {@code [0, GROWTH_INTERVAL)}
 */
public record LossScale(double scale, int stableSteps) {

  /** Finite steps in a row after which the scale doubles. */
  public static final int GROWTH_INTERVAL = 2000;

  /** The smallest scale: 1, the unscaled loss. */
  public static final double MINIMUM = 1;

  /** Where a run starts: 2^16. */
  public static final LossScale INITIAL = new LossScale(65536, 0);

  /**
   * Checks that the scale is a power of two at least {@link #MINIMUM} and the stable steps below the growth interval.
   */
  public LossScale {
    checkArgument(Double.isFinite(scale) && scale >= MINIMUM && isPowerOfTwo(scale),
        "loss scale must be a power of two >= %s, got %s", MINIMUM, scale);
    checkArgument(stableSteps >= 0 && stableSteps < GROWTH_INTERVAL,
        "stable steps must be in [0, %s), got %s", GROWTH_INTERVAL, stableSteps);
  }

  /** A fresh scale, not yet used. */
  public static LossScale of(double scale) {
    return new LossScale(scale, 0);
  }

  /** Whether an overflow can still be answered by halving. */
  public boolean canBackOff() {
    return scale > MINIMUM;
  }

  /** The scale after a step whose gradients were not finite: half of this one. */
  public LossScale afterOverflow() {
    checkArgument(canBackOff(), "the loss scale is already at its minimum %s", MINIMUM);
    return new LossScale(scale / 2, 0);
  }

  /** The scale after a step whose gradients were finite: doubled after {@link #GROWTH_INTERVAL} of them. */
  public LossScale afterFiniteStep() {
    return stableSteps + 1 == GROWTH_INTERVAL ? new LossScale(scale * 2, 0)
        : new LossScale(scale, stableSteps + 1);
  }

  private static boolean isPowerOfTwo(double x) {
    return Math.getExponent(x) >= 0 && x == Math.scalb(1.0, Math.getExponent(x));
  }
}
