package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The learning rate over training, as a fraction of the peak rate.
 *
 * <p>Steps are counted from 0: {@code factor(t)} is the multiplier used by the optimizer's {@code t}-th update
 * (the update made when {@code stepCount() == t}). A schedule is a pure function of the step, so a run resumed at
 * step {@code t} continues with exactly the rates of an uninterrupted run.
 */
@FunctionalInterface
public interface LearningRateSchedule {

  /**
   * The multiplier of the peak learning rate at a step.
   *
   * @param step the 0-based update index, {@code >= 0}
   * @return a finite value, normally in [0, 1]
   */
  double factor(int step);

  /**
   * BERT fine-tuning's schedule: linear warmup from 0 over the first {@code floor(warmupFraction · totalSteps)}
   * steps, then linear decay to 0 at {@code totalSteps}; see {@link LinearWarmupDecay}.
   */
  static LearningRateSchedule linearWarmupDecay(int totalSteps, double warmupFraction) {
    checkArgument(totalSteps >= 1, "totalSteps must be >= 1, got %s", totalSteps);
    checkArgument(warmupFraction >= 0 && warmupFraction < 1,
        "warmupFraction must be in [0, 1), got %s", warmupFraction);
    return new LinearWarmupDecay(totalSteps, (int) Math.floor(warmupFraction * totalSteps));
  }

  /** The peak rate at every step. */
  static LearningRateSchedule constant() {
    return Constant.INSTANCE;
  }

  /**
   * Linear warmup then linear decay. With {@code W = warmupSteps} and {@code T = totalSteps}, at 0-based step
   * {@code t}:
   *
   * <pre>
   *   factor(t) = t / W                    for 0 ≤ t &lt; W
   *   factor(t) = (T − t) / (T − W)        for W ≤ t ≤ T
   *   factor(t) = 0                        for t &gt; T
   * </pre>
   *
   * <p>So the first update has rate 0 (its moments still count), the peak is reached at step {@code W}, and the
   * rate is 0 at {@code t = T}, one past the last of {@code T} updates. This is the schedule of HuggingFace's
   * {@code get_linear_schedule_with_warmup}. The original BERT/BAM code differs only after warmup, where it decays
   * from step 0 ({@code 1 − t/T}) and therefore drops from about the peak to {@code (1 − W/T)} of it at the end of
   * warmup; we keep the continuous form, which is what "warmup to the peak, then linear decay to 0" says. A user
   * who wants the original's exact rates passes their own schedule.
   *
   * @param totalSteps {@code T}, the number of updates in the run
   * @param warmupSteps {@code W}, in {@code [0, T)}; 0 means no warmup
   */
  record LinearWarmupDecay(int totalSteps, int warmupSteps) implements LearningRateSchedule {

    /** Checks that the warm-up ends before the last step. */
    public LinearWarmupDecay {
      checkArgument(totalSteps >= 1, "totalSteps must be >= 1, got %s", totalSteps);
      checkArgument(warmupSteps >= 0 && warmupSteps < totalSteps,
          "warmupSteps must be in [0, totalSteps = %s), got %s", totalSteps, warmupSteps);
    }

    @Override
    public double factor(int step) {
      checkArgument(step >= 0, "step must be >= 0, got %s", step);
      if (step < warmupSteps) {
        return (double) step / warmupSteps;
      }
      if (step >= totalSteps) {
        return 0.0;
      }
      return (double) (totalSteps - step) / (totalSteps - warmupSteps);
    }
  }

  /** The peak rate throughout: for ablations and for short fine-tuning runs. */
  enum Constant implements LearningRateSchedule {
    /** The one instance. */
    INSTANCE;

    @Override
    public double factor(int step) {
      checkArgument(step >= 0, "step must be >= 0, got %s", step);
      return 1.0;
    }
  }
}
