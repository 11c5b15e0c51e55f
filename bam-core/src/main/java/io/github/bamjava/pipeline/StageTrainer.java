package io.github.bamjava.pipeline;

import static java.util.Objects.requireNonNull;

import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.train.BornAgainTrainer;
import io.github.bamjava.train.ConsoleProgress;
import io.github.bamjava.train.RunConfig;
import io.github.bamjava.train.RunListener;
import io.github.bamjava.train.RunResult;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Trains the runs of a pipeline ({@link StageRun}s) under one {@link PipelineSettings}: the one place where the
 * pipeline's settings become a trainer's, used by {@link BamPipeline} for its teachers, student and fine-tunings
 * and by studies that compose their own runs. A run whose folder holds a run of other settings or data is
 * trained again from the start, and the log says what changed.
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
   * Deletes the folder of {@code trainer}'s run when it holds a run of other settings or data (logging what
   * changed, after {@code label}), so that the run starts afresh rather than reusing or resuming a stale one;
   * returns whether it did.
   */
  public boolean restartIfChanged(BornAgainTrainer trainer, String label) throws IOException {
    List<String> changes = RunConfig.changesFrom(trainer.settings());
    if (changes.isEmpty()) {
      return false;
    }
    log.printf(Locale.ROOT, "%s: training again, the run in %s has other settings or data:%n  %s%n", label,
        trainer.settings().outputDir(), String.join("\n  ", changes));
    AtomicFiles.deleteRecursively(trainer.settings().outputDir());
    return true;
  }

  /** Trains a run, resuming it or reusing it when finished under the same settings (see {@link #restartIfChanged}). */
  public RunResult train(StageRun run, String label) throws IOException {
    BornAgainTrainer trainer = trainer(run);
    restartIfChanged(trainer, label);
    return trainer.train();
  }
}
