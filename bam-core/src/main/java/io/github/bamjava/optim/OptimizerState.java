package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import io.github.bamjava.weights.FloatTensor;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a {@link LayerwiseLrOptimizer}: how many steps it has taken, its Adam moments and, under mixed
 * precision, its loss scale.
 *
 * <p>The moments are named {@code m/<parameter>} (first moment) and {@code v/<parameter>} (second moment), in the
 * optimizer's parameter order, so they can be written to a safetensors file next to the model; the step count is
 * kept apart as an int (a float tensor would round it) for the checkpoint's manifest. The moments are copies on
 * the Java heap ({@link LayerwiseLrOptimizer#state()}) or views of the optimizer's own memory ({@link
 * LayerwiseLrOptimizer#stateView()}), which a checkpoint writes without copying. Together with the parameter
 * values it is everything needed to continue training bit for bit. Under mixed precision the parameter values are
 * the FP32 master weights (the model's own parameters); the FP16 copies are made again from them.
 *
 * @param stepCount the number of steps taken (updates, and steps skipped for a loss-scale overflow), {@code >= 0}
 * @param tensors the moments, by name; the map (not the tensors) is copied into an immutable one, in its
 *     iteration order
 * @param lossScale the dynamic loss scale of a mixed-precision optimizer; null without mixed precision
 */
public record OptimizerState(int stepCount, Map<String, ? extends FloatTensor> tensors,
    @Nullable LossScale lossScale) {

  /** Name prefix of the first-moment tensors. */
  public static final String FIRST_MOMENT_PREFIX = "m/";

  /** Name prefix of the second-moment tensors. */
  public static final String SECOND_MOMENT_PREFIX = "v/";

  /** Checks the step count and copies the tensors. */
  public OptimizerState {
    checkArgument(stepCount >= 0, "stepCount must be >= 0, got %s", stepCount);
    tensors = ImmutableMap.copyOf(requireNonNull(tensors, "tensors"));
  }

  /** The state of an optimizer without mixed precision. */
  public OptimizerState(int stepCount, Map<String, ? extends FloatTensor> tensors) {
    this(stepCount, tensors, null);
  }

  /** The name of a parameter's first-moment tensor. */
  public static String firstMomentName(String parameterName) {
    return FIRST_MOMENT_PREFIX + parameterName;
  }

  /** The name of a parameter's second-moment tensor. */
  public static String secondMomentName(String parameterName) {
    return SECOND_MOMENT_PREFIX + parameterName;
  }
}
