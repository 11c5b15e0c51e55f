package io.github.bamjava.distill;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.function.DoubleUnaryOperator;

/**
 * Teacher annealing: the weight λ of the gold label in the training target λ·gold + (1−λ)·teacher, as a
 * function of training progress (the fraction of all training steps done, in [0, 1]).
 *
 * <p>The paper raises λ linearly from 0 to 1, so the student starts by imitating its teacher and ends learning
 * from the gold labels alone, free to surpass the teacher. Its ablations use a constant λ of 0 (pure
 * distillation) and 0.5.
 */
@FunctionalInterface
public interface TeacherAnnealingSchedule {

  /**
   * λ at the given progress.
   *
   * @param progress completed steps divided by total steps, in [0, 1]
   * @return the gold label's weight, in [0, 1]
   */
  double lambda(double progress);

  /** The paper's schedule: λ = progress (step / total steps). */
  static TeacherAnnealingSchedule linear() {
    return progress -> progress;
  }

  /** A fixed λ for the whole run (the paper's ablations: 0 and 0.5). */
  static TeacherAnnealingSchedule constant(double lambda) {
    checkArgument(lambda >= 0 && lambda <= 1, "lambda must be in [0, 1], got %s", lambda);
    return progress -> lambda;
  }

  /** Any function of progress; its values must stay in [0, 1]. */
  static TeacherAnnealingSchedule of(DoubleUnaryOperator function) {
    return function::applyAsDouble;
  }

  /** λ at a step, checked to lie in [0, 1]. */
  default double lambdaAt(long step, long totalSteps) {
    checkArgument(totalSteps > 0, "total steps must be positive, got %s", totalSteps);
    double value = lambda(Math.min(1.0, (double) step / totalSteps));
    checkArgument(value >= 0 && value <= 1, "annealing schedule gave lambda %s at step %s of %s", value, step,
        totalSteps);
    return value;
  }
}
