package io.github.bamjava.distill;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.function.DoubleUnaryOperator;

/**
 * Teacher annealing: the weight λ of the gold label in the training target λ·gold + (1−λ)·teacher, as a
 * function of training progress (the fraction of all training steps done, in [0, 1]).
 *
 * <p>The paper raises λ linearly from 0 to 1, so the student starts by imitating its teacher and ends learning
 * from the gold labels alone, free to surpass the teacher. Its ablations use a constant λ of 0 (pure
 * distillation) and 0.5.
 *
 * <p>A schedule knows its own name and parameters ({@link #describe()}): it goes into a run's settings, so that a
 * run resumed with another schedule is refused rather than silently mixed.
 */
public interface TeacherAnnealingSchedule {

  /**
   * λ at the given progress.
   *
   * @param progress completed steps divided by total steps, in [0, 1]
   * @return the gold label's weight, in [0, 1]
   */
  double lambda(double progress);

  /** The schedule's name and parameters, stable across JVMs, e.g. {@code linear} or {@code constant 0.5}. */
  String describe();

  /** The paper's schedule: λ = progress (step / total steps). */
  static TeacherAnnealingSchedule linear() {
    return of("linear", progress -> progress);
  }

  /** A fixed λ for the whole run (the paper's ablations: 0 and 0.5). */
  static TeacherAnnealingSchedule constant(double lambda) {
    checkArgument(lambda >= 0 && lambda <= 1, "lambda must be in [0, 1], got %s", lambda);
    return of("constant " + lambda, progress -> lambda);
  }

  /** Any function of progress, with the name {@link #describe()} returns; its values must stay in [0, 1]. */
  static TeacherAnnealingSchedule of(String description, DoubleUnaryOperator function) {
    requireNonNull(description, "description");
    requireNonNull(function, "function");
    return new TeacherAnnealingSchedule() {
      @Override
      public double lambda(double progress) {
        return function.applyAsDouble(progress);
      }

      @Override
      public String describe() {
        return description;
      }
    };
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
