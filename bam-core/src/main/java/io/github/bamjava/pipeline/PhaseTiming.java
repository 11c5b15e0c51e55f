package io.github.bamjava.pipeline;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * One phase of a pipeline run and what it cost: a teacher's training, its predictions on the training set, the
 * student, a fine-tuning, the dev evaluation of every method, or the run's final step (GLUE's submission files).
 *
 * @param name what the phase did: {@code teacher SST-2}, {@code predictions SST-2}, {@code student},
 *     {@code fine-tune SST-2}, {@code evaluation}, {@code final step}
 * @param seconds the phase's wall time
 * @param devSeconds the part of it a training spent on its dev evaluations after each epoch (0 in other phases)
 * @param examples examples the encoder saw: drawn into training steps, or predicted
 * @param tokens the real (non-padding) tokens of those examples
 * @param flops the estimated floating-point operations of the encoder's matrix products
 *     ({@link io.github.bamjava.encoder.EncoderFlops}; a training step counts as three forward passes); NaN where
 *     unknown (the final step, whose inputs the pipeline does not see; an encoder whose shape is not known)
 * @param reused whether the phase found its outputs done and did no work
 * @param residentBytes the process's resident memory when the phase ended (0 where the system does not say)
 * @param peakResidentBytes the process's highest resident memory so far when the phase ended
 */
public record PhaseTiming(String name, double seconds, double devSeconds, long examples, long tokens, double flops,
    boolean reused, long residentBytes, long peakResidentBytes) {

  /** Checks every value. */
  public PhaseTiming {
    requireNonNull(name, "name");
    checkArgument(seconds >= 0 && devSeconds >= 0 && devSeconds <= seconds,
        "phase %s: seconds %s and dev seconds %s must satisfy 0 <= dev <= seconds", name, seconds, devSeconds);
    checkArgument(examples >= 0 && tokens >= 0, "phase %s: examples %s and tokens %s must be >= 0", name, examples,
        tokens);
    checkArgument(!(flops < 0), "phase %s: flops must be >= 0 or NaN, got %s", name, flops);
  }

  /**
   * The estimated GFLOP/s of the phase's work: its operations over its wall time less its dev evaluations (whose
   * operations are not counted), so model loading, saving and tokenizing count against it. NaN where the
   * operations are unknown or no time passed.
   */
  public double gflopsPerSecond() {
    double busy = seconds - devSeconds;
    return busy > 0 ? flops / busy / 1e9 : Double.NaN;
  }
}
