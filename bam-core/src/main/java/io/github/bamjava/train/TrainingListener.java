package io.github.bamjava.train;

/**
 * Watches a training run: progress display, logs, metrics. Work that is not training (printing, writing logs)
 * lives in listeners rather than in the training loop. All methods are called on the training thread.
 */
public interface TrainingListener {

  /** Called once before the first step (also when resuming), with the run's settings. */
  default void onTrainingStart(RunInfo run) {}

  /** Called after every optimizer step. */
  default void onStep(StepInfo step) {}

  /** Called after each epoch's evaluation. */
  default void onEpochEnd(EpochResult epoch) {}

  /** Called once when training has finished and the model is saved. */
  default void onTrainingEnd(TrainingResult result) {}
}
