package io.github.bamjava.pipeline;

import static java.util.Objects.requireNonNull;

import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.train.BornAgainTrainer;
import io.github.bamjava.train.ConsoleProgress;
import io.github.bamjava.train.RunConfig;
import io.github.bamjava.train.RunListener;
import io.github.bamjava.train.RunResult;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Trains the runs of a pipeline ({@link StageRun}s) under one {@link PipelineSettings}: the one place where the
 * pipeline's settings become a trainer's, used by {@link BamPipeline} for its teachers, student and fine-tunings
 * and by studies that compose their own runs. A run whose folder holds a run of other settings or data, or an
 * unreadable model, is trained again from the start, and the log says why.
 */
public final class StageTrainer {

  private final PipelineSettings settings;
  private final @Nullable PrintStream progress;
  private final PrintStream log;
  private final double progressSeconds;

  /**
   * Runs under {@code settings} (its recipe, device and precision; each run brings its seed).
   *
   * @param progress where progress lines go, or null for none
   * @param progressSeconds seconds between progress lines
   */
  public StageTrainer(PipelineSettings settings, @Nullable PrintStream progress, double progressSeconds) {
    this.settings = requireNonNull(settings, "settings");
    this.progress = progress;
    this.log = progress == null ? new PrintStream(PrintStream.nullOutputStream()) : progress;
    this.progressSeconds = progressSeconds;
  }

  /** The settings every run trains under. */
  public PipelineSettings settings() {
    return settings;
  }

  /**
   * The trainer of a run, not started: its {@link BornAgainTrainer#settings()} are what the run's
   * {@code run-config.json} records.
   */
  public BornAgainTrainer trainer(StageRun run) {
    return trainer(run, List.of());
  }

  /**
   * {@link #trainer(StageRun)} with further listeners of the run (a cluster's progress, say), heard after this
   * trainer's progress lines; listeners are no part of the run's settings.
   */
  public BornAgainTrainer trainer(StageRun run, List<RunListener> listeners) {
    BornAgainTrainer.Builder b = settings.recipe().trainer(run.stage())
        .setEncoder(run.encoder())
        .setOutputDir(run.outputDir())
        .optSeed(run.seed())
        .addTasks(run.tasks())
        .optMixedPrecision(settings.mixedPrecision());
    run.teachers().forEach(b::optTeacher);
    if (settings.device() != null) {
      b.optDevice(settings.device());
    }
    if (progress != null) {
      b.addListener(new ConsoleProgress(progress, System.console() != null, progressSeconds));
    }
    listeners.forEach(b::addListener);
    return b.build();
  }

  /**
   * Why the folder of {@code trainer}'s run does not hold it finished, or empty when it does: the same run key
   * ({@code run-config.json}) and a whole model. A run that is not finished may still be resumed: see
   * {@link #restartIfUnusable}.
   */
  public static Optional<String> pending(BornAgainTrainer trainer) {
    Optional<String> changed = changed(trainer);
    return changed.isPresent() ? changed : unreadableModel(trainer.settings().outputDir().resolve("model"));
  }

  /**
   * Deletes the folder of {@code trainer}'s run when what is there can be neither reused nor resumed: a run of
   * other settings or data, or a finished model that does not read back (logging why, after {@code label}); so
   * the run starts afresh. An interrupted run of the same settings stays, to resume from its checkpoint. Returns
   * whether it deleted.
   */
  public boolean restartIfUnusable(BornAgainTrainer trainer, String label) throws IOException {
    Path dir = trainer.settings().outputDir();
    Optional<String> why = changed(trainer);
    if (why.isEmpty() && Files.isRegularFile(dir.resolve("model").resolve(BamModel.TASKS_JSON))) {
      why = unreadableModel(dir.resolve("model"));
    }
    if (why.isEmpty()) {
      return false;
    }
    log.printf(Locale.ROOT, "%s: training again, %s%n", label, why.get());
    AtomicFiles.deleteRecursively(dir);
    return true;
  }

  /** Trains a run, resuming it or reusing it when finished (see {@link #restartIfUnusable}). */
  public RunResult train(StageRun run, String label) throws IOException {
    BornAgainTrainer trainer = trainer(run);
    restartIfUnusable(trainer, label);
    return trainer.train();
  }

  private static Optional<String> changed(BornAgainTrainer trainer) {
    List<String> changes = RunConfig.changesFrom(trainer.settings());
    return changes.isEmpty() ? Optional.empty() : Optional.of("the run in " + trainer.settings().outputDir()
        + " has other settings or data:\n  " + String.join("\n  ", changes));
  }

  /**
   * Why a saved model cannot be used, or empty when its task list and weights file are whole. A save is atomic,
   * so this finds damage from outside (a full disk on a copy, a truncated sync), not a killed save.
   */
  private static Optional<String> unreadableModel(Path model) {
    if (!Files.isRegularFile(model.resolve(BamModel.TASKS_JSON))) {
      return Optional.of("no finished model in " + model);
    }
    try {
      SafeTensors.readShapes(model.resolve(BamModel.WEIGHTS_FILE));
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of("the model in " + model + " is unreadable (" + e.getMessage() + ")");
    }
  }
}
