package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.function.IntFunction;

/**
 * A learning-rate schedule before the run's length is known: the trainer asks for the {@link LearningRateSchedule}
 * of a run of {@code totalSteps} updates once it has counted them.
 *
 * <p>Like the other strategies of a run, a schedule knows its own name and parameters ({@link #describe()}), which
 * go into the run's settings so that a resume with another schedule is refused.
 */
public interface RunSchedule {

  /** The schedule of a run of {@code totalSteps} updates. */
  LearningRateSchedule forSteps(int totalSteps);

  /** The schedule's name and parameters, stable across JVMs, e.g. {@code warmup 0.1, linear decay}. */
  String describe();

  /** BERT's and BAM's: linear warm-up over {@code warmupFraction} of the run, then linear decay to 0. */
  static RunSchedule warmupLinearDecay(double warmupFraction) {
    checkArgument(warmupFraction >= 0 && warmupFraction < 1, "warmup fraction must be in [0, 1), got %s",
        warmupFraction);
    return of("warmup " + warmupFraction + ", linear decay",
        steps -> LearningRateSchedule.linearWarmupDecay(steps, warmupFraction));
  }

  /** The peak rate at every step. */
  static RunSchedule constant() {
    return of("constant", steps -> LearningRateSchedule.constant());
  }

  /** A schedule from a function of the run's length, with the name {@link #describe()} returns. */
  static RunSchedule of(String description, IntFunction<LearningRateSchedule> forSteps) {
    requireNonNull(description, "description");
    requireNonNull(forSteps, "forSteps");
    return new RunSchedule() {
      @Override
      public LearningRateSchedule forSteps(int totalSteps) {
        return requireNonNull(forSteps.apply(totalSteps), "the schedule function returned null");
      }

      @Override
      public String describe() {
        return description;
      }
    };
  }
}
