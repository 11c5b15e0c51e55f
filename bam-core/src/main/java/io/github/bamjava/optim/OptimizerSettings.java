package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * Everything that shapes a {@link LayerwiseLrOptimizer} but the parameters and the run's length, as one value.
 *
 * <p>{@link #BERT} holds the values of BERT's and the original BAM code's optimizer; every default of this
 * library's optimizer and trainer is read from it, so that each value is stated once.
 *
 * @param learningRate the peak learning rate of the top (task-head) layer
 * @param layerDecay the layer-wise factor α in (0, 1]; 1 gives every parameter the same rate
 * @param weightDecay decoupled weight decay (not applied to LayerNorm weights and biases)
 * @param clipNorm the global gradient-norm limit; {@code +Infinity} turns clipping off
 * @param beta1 Adam's β1
 * @param beta2 Adam's β2
 * @param epsilon Adam's ε, added to sqrt(v)
 * @param biasCorrection whether Adam's moments are bias-corrected (BERT's are not)
 * @param schedule the learning rate over the run
 */
public record OptimizerSettings(double learningRate, double layerDecay, double weightDecay, double clipNorm,
    double beta1, double beta2, double epsilon, boolean biasCorrection, RunSchedule schedule) {

  /**
   * BERT's optimizer as BAM trains with it: α 0.9, weight decay 0.01, clip 1.0, β 0.9/0.999, ε 1e-6, 10% warm-up.
   */
  public static final OptimizerSettings BERT = new OptimizerSettings(1e-4, 0.9, 0.01, 1.0, 0.9, 0.999, 1e-6, false,
      RunSchedule.warmupLinearDecay(0.1));

  /** Checks every setting's range; the messages name the setting and its value. */
  public OptimizerSettings {
    checkArgument(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be > 0, got %s",
        learningRate);
    checkArgument(layerDecay > 0 && layerDecay <= 1, "layer decay must be in (0, 1], got %s", layerDecay);
    checkArgument(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be >= 0, got %s",
        weightDecay);
    checkArgument(clipNorm > 0, "clip norm must be > 0 (or +Infinity for no clipping), got %s", clipNorm);
    checkArgument(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got %s", beta1);
    checkArgument(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got %s", beta2);
    checkArgument(epsilon > 0 && Double.isFinite(epsilon), "epsilon must be > 0, got %s", epsilon);
    requireNonNull(schedule, "schedule");
  }

  /**
   * An FP32 optimizer with these settings over {@code parameters}, for a run of {@code totalSteps} updates, the
   * number of layers inferred from the names ({@link LayerDepth#inferredFrom}). For more (a given depth, mixed
   * precision) call {@link LayerwiseLrOptimizer}'s constructor with these settings.
   */
  public LayerwiseLrOptimizer create(Map<String, Parameter> parameters, int totalSteps) {
    return new LayerwiseLrOptimizer(this, parameters, totalSteps,
        LayerDepth.inferredFrom(requireNonNull(parameters, "parameters").keySet()), null);
  }
}
