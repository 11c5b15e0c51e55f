package io.github.bamjava.optim;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSet;
import java.util.Collection;
import java.util.Set;

/**
 * Mixed precision for a {@link LayerwiseLrOptimizer}: which parameters get FP16 copies for the forward pass, and
 * the loss scale a run starts from. The parameters themselves stay FP32 and are the master weights the optimizer
 * updates.
 *
 * <p>How a step goes: the forward pass reads the copies through {@link LayerwiseLrOptimizer#parameterStore} and
 * the backward pass computes their gradients, of the loss times {@link LayerwiseLrOptimizer#lossScale()} ({@link
 * LayerwiseLrOptimizer#scaleLoss}). The step divides the gradients by the scale, folded into the clipping factor,
 * so that the clip norm and {@link LayerwiseLrOptimizer#lastGradNorm()} are those of the true gradients, updates
 * the masters and copies them to FP16 again. When the gradients are not finite the step is skipped: nothing moves,
 * the gradients are zeroed and the scale is halved ({@link LossScale}); the step still counts, so the
 * learning-rate schedule follows the batches. Checkpoints hold the FP32 parameters and the scale.
 *
 * <p>Meant for GPUs: through DJL 0.36 FP16 arithmetic on a CPU is about a thousand times slower than FP32. The
 * blocks that read the named parameters must accept FP16 weights (the encoder's {@code Dense} layers do; {@code
 * MultiTaskModel.fp16Parameters()} names them).
 *
 * @param fp16Parameters the names of the parameters that get an FP16 copy; copied in its iteration order
 * @param initialScale the loss scale of the first step (of a fresh run; a resumed one restores its own)
 */
public record MixedPrecision(Set<String> fp16Parameters, LossScale initialScale) {

  /** Copies the parameter names. */
  public MixedPrecision {
    fp16Parameters = ImmutableSet.copyOf(requireNonNull(fp16Parameters, "fp16Parameters"));
    requireNonNull(initialScale, "initialScale");
  }

  /** FP16 copies of {@code fp16Parameters}, starting at {@link LossScale#INITIAL}. */
  public static MixedPrecision of(Collection<String> fp16Parameters) {
    return new MixedPrecision(ImmutableSet.copyOf(fp16Parameters), LossScale.INITIAL);
  }
}
