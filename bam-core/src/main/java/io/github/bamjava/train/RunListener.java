package io.github.bamjava.train;

import java.util.Map;

/**
 * Watches a training run. Everything the loop does besides the step itself lives in listeners: divergence
 * detection, the metrics log, checkpoints, progress display, your own. The loop calls them on the training
 * thread, in the order they were added (the trainer's own ones first), at these points:
 *
 * <ol>
 *   <li>{@link #onTrainingStart} once, before the first step (also when resuming);
 *   <li>per step: {@link #onLoss} after the forward and backward passes and before any weight changes, then
 *       {@link #onStep} after the optimizer's update;
 *   <li>{@link #onEpochEnd} after each epoch's dev evaluation;
 *   <li>{@link #onTrainingEnd} once the final model is saved.
 * </ol>
 *
 * <p>A listener that throws stops the run; thrown from {@link #onLoss}, before the step updates any weight. A
 * listener that wants the run to stop cleanly instead answers {@link #stopRequested()}.
 */
public interface RunListener {

  /** Called once before the first step (also when resuming), with the run's settings. */
  default void onTrainingStart(RunInfo run) {}

  /**
   * Called after each step's forward and backward passes (one pair for each micro-batch of a large batch), before
   * the update.
   *
   * @param step the 0-based index of the step being taken
   * @param taskLoss every task's loss summed over its examples in this batch (0 for a task absent from it)
   */
  default void onLoss(long step, Map<String, Double> taskLoss) {}

  /** Called after every optimizer step. */
  default void onStep(StepInfo step) {}

  /** Called after each epoch's evaluation. */
  default void onEpochEnd(EpochResult epoch) {}

  /** Called once when training has finished and the model is saved. */
  default void onTrainingEnd(RunResult result) {}

  /**
   * Asked after each step (after {@link #onStep} and any epoch end): true stops the run there as a {@link
   * io.github.bamjava.runtime.GracefulStop} request does, with a checkpoint of that step that a rerun resumes from,
   * and a {@link io.github.bamjava.runtime.RunStoppedException}. For a stop that concerns one run rather than the
   * process: a Spark task its driver cancelled, a time budget.
   */
  default boolean stopRequested() {
    return false;
  }
}
