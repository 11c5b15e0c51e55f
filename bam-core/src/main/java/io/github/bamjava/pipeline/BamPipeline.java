package io.github.bamjava.pipeline;

import static java.util.Objects.requireNonNull;

import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.internal.io.OutputLock;
import io.github.bamjava.train.BornAgainTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The whole BAM pipeline on any tasks: single-task teachers, their predictions, the multi-task student distilled
 * from them with teacher annealing, optional single-task fine-tuning, and the dev scores of every method.
 *
 * <pre>{@code
 * PipelineResult result = new BamPipeline(Path.of("runs/mine"), PipelineSettings.DEFAULT, System.out)
 *     .run(List.of(PipelineTask.of(reviews), PipelineTask.of(similarity)));
 * System.out.println(result.markdown());
 * }</pre>
 *
 * <p>The output directory holds:
 *
 * <pre>
 * teachers/&lt;task&gt;/                     a teacher's training run; its model in model/
 * teachers/&lt;task&gt;.predictions.safetensors its outputs on the task's training examples
 * student/                              the multi-task student's run; its model in model/
 * finetune/&lt;task&gt;/                     the student fine-tuned on one task (when fine-tuning is on)
 * results.md, results.json               dev scores: one column per method
 * timings.json                           each phase's wall time, tokens, GFLOP/s and memory ({@link PhaseTimings})
 * </pre>
 *
 * <p>Running again into the same directory continues where the last run stopped: a finished teacher whose
 * settings and data are unchanged is reused, valid prediction files are reused, and interrupted trainings resume
 * from their last checkpoint. A teacher, student or fine-tuning run whose settings or data changed (its
 * {@code run-config.json} says) is trained again from the start, and the log says what changed. The output
 * directory is locked for the run: a second pipeline into it fails at once. A stop requested by Ctrl-C ends the
 * current training after its step, with a checkpoint, and the next run resumes from it.
 *
 * <p>The run is a list of {@link PipelineUnit units} (each teacher, its predictions, the student, each
 * fine-tuning) that {@link PipelineWork} decides and does; this class does them one after the other. A cluster
 * (bam-spark) does the same units in parallel, into the same files.
 */
public final class BamPipeline {

  /**
   * The column name of the majority-class baseline in results: always the most frequent training label of the
   * task, scored on the same dev rows. A regression task has none and scores 0 there.
   */
  public static final String MAJORITY = "Majority class";
  /**
   * The column name of the best-constant baseline in results: the label that, always answered, scores best on
   * each dev set, picked with its gold labels ({@link io.github.bamjava.eval.BestConstant}): the floor a model has
   * to clear. A regression task has none and scores 0 there.
   */
  public static final String BEST_CONSTANT = "Best constant";
  /** The sentence under a results table that says what the best-constant column is. */
  static final String BEST_CONSTANT_NOTE = BEST_CONSTANT + ": the label that, always answered, scores best on"
      + " each dev set, picked with its gold labels: the floor a model has to clear to have learned anything from"
      + " the text; a regression task has none and counts 0.";
  /** The column name of the single-task teachers in results. */
  public static final String SINGLE = "Single";
  /** The column name of the multi-task student in results. */
  public static final String BAM = "BAM";
  /** The column name of the fine-tuned student in results. */
  public static final String BAM_FINETUNED = "BAM+FT";

  private final Path outputDir;
  private final PipelineSettings settings;
  private final @Nullable PrintStream progress;
  private final PrintStream log;

  /**
   * A pipeline that writes into {@code outputDir}.
   *
   * @param progress where progress lines and bars go, or null for none
   * @throws IllegalArgumentException for mixed precision on a CPU
   */
  public BamPipeline(Path outputDir, PipelineSettings settings, @Nullable PrintStream progress) {
    this.outputDir = requireNonNull(outputDir, "outputDir");
    this.settings = requireNonNull(settings, "settings");
    this.progress = progress;
    this.log = progress == null ? new PrintStream(PrintStream.nullOutputStream()) : progress;
    if (settings.mixedPrecision()) {
      BornAgainTrainer.checkMixedPrecisionDevice(settings.device());
    }
  }

  /** The pipeline's settings. */
  public PipelineSettings settings() {
    return settings;
  }

  /** {@link #run(List, ResultsStyle, FinalStep)} in the words of one's own tasks, with nothing added at the end. */
  public PipelineResult run(List<PipelineTask> tasks) throws IOException {
    return run(tasks, ResultsStyle.DEFAULT, FinalStep.NONE);
  }

  /**
   * Runs (or continues) the pipeline on {@code tasks}, in their order; see the class comment for what it writes.
   *
   * @param style how results.md and results.json name the overall score
   * @param finalStep work done with the final models before the results are written, under the run's lock
   * @throws IllegalArgumentException for no tasks, two tasks of one name, or a task without dev examples
   * @throws IllegalStateException when another pipeline or training run holds the output directory
   */
  public PipelineResult run(List<PipelineTask> tasks, ResultsStyle style, FinalStep finalStep) throws IOException {
    PhaseClock clock = new PhaseClock(settings);
    PipelineWork work = new PipelineWork(outputDir, settings, tasks, progress).withListeners(clock::listeners);
    Files.createDirectories(outputDir);
    // A second pipeline into the same directory, with other settings, would restart runs under this one.
    try (OutputLock lock = OutputLock.acquire(outputDir)) {
      long started = System.nanoTime();
      log.printf(Locale.ROOT, "BAM on %d task(s): %s; preset %s; encoder %s%n", tasks.size(),
          String.join(", ", tasks.stream().map(PipelineTask::name).toList()), settings.recipe().name(),
          settings.encoder().describe());
      for (PipelineUnit unit : work.units()) {
        clock.run(work, unit);
      }
      PipelineResult result = clock.results(work, style, finalStep, (System.nanoTime() - started) / 1e9);
      PhaseTimings timings = clock.timings();
      AtomicFiles.writeString(outputDir.resolve(PhaseTimings.FILE), timings.json());
      log.print(timings.table());
      return result;
    }
  }

  /** Runs a {@link PipelineJob} in this process: what {@link PipelineRunner#LOCAL} does. */
  static PipelineResult run(PipelineJob job, @Nullable PrintStream progress) throws IOException {
    return new BamPipeline(job.outputDir(), job.settings(), progress).run(job.tasks(), job.style(), job.finalStep());
  }
}
