package io.github.bamjava.spark;

import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.pipeline.FinalStep;
import io.github.bamjava.pipeline.PipelineJob;
import io.github.bamjava.pipeline.PipelineSettings;
import io.github.bamjava.pipeline.PipelineTask;
import io.github.bamjava.pipeline.PipelineUnit;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.ResultsStyle;
import io.github.bamjava.pipeline.Stage;
import io.github.bamjava.train.RunInfo;
import io.github.bamjava.train.RunListener;
import io.github.bamjava.train.StepInfo;
import io.github.bamjava.train.SyntheticTasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A tiny run that every JVM builds the same from a few values: two generated tasks (a classification, a
 * regression), a random-init 2-layer encoder, teachers of {@code teacherEpochs} epochs, fine-tuning on.
 *
 * @param outputDir the run's output directory
 * @param teacherEpochs the teachers' epochs: 2 gives a checkpoint at the end of the first to resume from
 * @param faultDir where the teacher of task {@code sentiment} fails once in its second epoch (leaving a marker
 *     file and, when retried, the step it resumed from); empty for no fault
 * @param predictionShard the most training examples a teacher predicts in one unit
 */
record SyntheticSource(String outputDir, int teacherEpochs, String faultDir, int predictionShard)
    implements PipelineSource {

  static final Recipe TINY = new Recipe("tiny", new Stage(1e-3, 16, 1), new Stage(1e-3, 16, 1),
      new Stage(5e-4, 16, 1), 32, 0.9, 0.75, HeadOptions.DEFAULT, false);
  /** The marker of the fault: written just before the failing step throws. */
  static final String FAILED = "failed-once";
  /** The step the retried teacher started from, written by the retry. */
  static final String RESUMED = "resumed-from";

  /** A run with predictions unsharded (the tasks have fewer examples than the default shard). */
  SyntheticSource(String outputDir, int teacherEpochs, String faultDir) {
    this(outputDir, teacherEpochs, faultDir, PipelineSettings.DEFAULT_PREDICTION_SHARD);
  }

  static SyntheticSource of(Path outputDir) {
    return new SyntheticSource(outputDir.toString(), 1, "");
  }

  @Override
  public PipelineJob job() {
    PipelineSettings settings = PipelineSettings.DEFAULT.withEncoder(SyntheticTasks.tinyEncoder(7))
        .withRecipe(TINY.withStages(new Stage(1e-3, 16, teacherEpochs), TINY.student(), TINY.finetune()))
        .withSeed(3).withFinetune(true).withPredictionShard(predictionShard);
    List<PipelineTask> tasks = List.of(PipelineTask.of(SyntheticTasks.sentiment(48, 16, 1)),
        PipelineTask.of(SyntheticTasks.stars(48, 16, 2)));
    return new PipelineJob(Path.of(outputDir), settings, tasks, ResultsStyle.DEFAULT, FinalStep.NONE);
  }

  /**
   * Called after every step of the teacher of {@code sentiment} when set: a test's view into the Spark tasks that
   * local mode runs in its own JVM.
   */
  static volatile @Nullable LongConsumer teacherStep;

  @Override
  public List<RunListener> listeners(PipelineUnit unit) {
    if (unit.kind() != PipelineUnit.Kind.TEACHER || !unit.task().equals("sentiment")) {
      return List.of();
    }
    List<RunListener> out = new ArrayList<>();
    LongConsumer hook = teacherStep;
    if (hook != null) {
      out.add(new RunListener() {
        @Override
        public void onStep(StepInfo step) {
          hook.accept(step.step());
        }
      });
    }
    if (!faultDir.isEmpty()) {
      out.add(new FailOnce(Path.of(faultDir)));
    }
    return out;
  }

  /** Throws once in the second epoch, after the first epoch's checkpoint: a task killed mid-teacher. */
  static final class FailOnce implements RunListener {
    private final Path dir;
    private long stepsPerEpoch;

    FailOnce(Path dir) {
      this.dir = dir;
    }

    @Override
    public void onTrainingStart(RunInfo run) {
      stepsPerEpoch = run.stepsPerEpoch();
      if (Files.exists(dir.resolve(FAILED))) {
        write(RESUMED, String.valueOf(run.startStep()));
      }
    }

    @Override
    public void onStep(StepInfo step) {
      if (step.step() > stepsPerEpoch && !Files.exists(dir.resolve(FAILED))) {
        write(FAILED, String.valueOf(step.step()));
        throw new IllegalStateException("a fault injected by the test at step " + step.step());
      }
    }

    private void write(String name, String text) {
      try {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name), text);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
