package io.github.bamjava.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.github.bamjava.optim.LayerwiseLrOptimizer;
import io.github.bamjava.predict.BamModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Writes a checkpoint every {@code every} steps and at the end of every epoch (after its evaluation, so that the
 * checkpoint carries it): what a killed run resumes from.
 */
final class CheckpointWriter implements RunListener {

  // A custom metric may score NaN (a correlation of constant predictions): it is logged, and must not stop the run.
  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
  /** The key of the training time so far in a checkpoint's state.json. */
  static final String TRAIN_SECONDS = "train_seconds";

  /** The training time a checkpoint's state records; 0 for checkpoints written before it was recorded. */
  static double trainSecondsIn(JsonObject state) {
    return state.has(TRAIN_SECONDS) ? state.get(TRAIN_SECONDS).getAsDouble() : 0;
  }

  private final Checkpoints checkpoints;
  private final BamModel model;
  private final LayerwiseLrOptimizer optimizer;
  private final List<EpochResult> history;
  private final int every;
  private final DoubleSupplier trainSeconds;
  private long stepsPerEpoch;
  private long lastWritten = -1;

  /**
   * @param history the run's epoch results so far, read when a checkpoint is written
   * @param every steps between checkpoints; 0 writes them only at epoch ends
   * @param trainSeconds the run's training time so far, earlier processes included: a resumed run reports all of
   *     it, not only its own part
   */
  CheckpointWriter(Checkpoints checkpoints, BamModel model, LayerwiseLrOptimizer optimizer,
      List<EpochResult> history, int every, DoubleSupplier trainSeconds) {
    this.checkpoints = checkpoints;
    this.model = model;
    this.optimizer = optimizer;
    this.history = history;
    this.every = every;
    this.trainSeconds = trainSeconds;
  }

  @Override
  public void onTrainingStart(RunInfo run) {
    stepsPerEpoch = run.stepsPerEpoch();
  }

  @Override
  public void onStep(StepInfo step) {
    // An epoch's last step is written after its evaluation, by onEpochEnd.
    if (every > 0 && step.step() % every == 0 && step.step() % stepsPerEpoch != 0) {
      write(step.step());
    }
  }

  @Override
  public void onEpochEnd(EpochResult epoch) {
    write(epoch.step());
  }

  /** Writes the checkpoint of {@code step} unless it was just written (a stop between checkpoints). */
  void writeIfNew(long step) {
    if (step != lastWritten) {
      write(step);
    }
  }

  private void write(long step) {
    JsonObject state = new JsonObject();
    state.addProperty("step", step);
    state.add("epochs", GSON.toJsonTree(history));
    state.addProperty(TRAIN_SECONDS, trainSeconds.getAsDouble());
    try {
      checkpoints.write(step, model.weightViews(), optimizer.stateView(), state);
      lastWritten = step;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint of step " + step, e);
    }
  }
}
