package io.github.bamjava.taskfile;

import static java.util.Objects.requireNonNull;

import io.github.bamjava.pipeline.BamPipeline;
import io.github.bamjava.pipeline.PipelineJob;
import io.github.bamjava.pipeline.PipelineResult;
import io.github.bamjava.pipeline.PipelineRunner;
import io.github.bamjava.pipeline.PipelineSettings;
import io.github.bamjava.pipeline.PipelineTask;
import io.github.bamjava.pipeline.ResultsStyle;
import io.github.bamjava.pipeline.TestPredictions;
import io.github.bamjava.task.Task;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A task file read: the tasks it declares and the pipeline settings it asks for. {@link #read(Path)} checks the
 * file; {@link #load()} reads and checks every data file it names. Both fail with one {@link TaskFileException}
 * naming the file, the line and the field, so that a bad file or row stops the run before anything trains.
 *
 * <pre>{@code
 * PipelineResult result = TaskSet.read(Path.of("tasks.json")).train(Path.of("runs/mine"), System.out);
 * System.out.println(result.markdown());
 * }</pre>
 *
 * <p>The file's schema is in docs/api.md ("Task files") and, for editors, docs/task-set.schema.json.
 *
 * @param file the task file
 * @param tasks its tasks, in the file's order
 * @param settings the pipeline settings it asks for (its {@code settings} object over the defaults)
 */
public record TaskSet(Path file, List<TaskSpec> tasks, PipelineSettings settings) {

  /** Checks that every part is there and copies the tasks. */
  public TaskSet {
    requireNonNull(file, "file");
    tasks = List.copyOf(tasks);
    requireNonNull(settings, "settings");
  }

  /**
   * Reads and checks a task file (not yet its data).
   *
   * @throws TaskFileException naming the file and the field for a missing, unknown or bad field, or for JSON that
   *     does not parse (with its line)
   */
  public static TaskSet read(Path file) throws IOException {
    return TaskFileParser.parse(file);
  }

  /** This task set with other pipeline settings (command-line options over the file's). */
  public TaskSet withSettings(PipelineSettings other) {
    return new TaskSet(file, tasks, other);
  }

  /**
   * Reads and checks every data file, then runs the whole {@link BamPipeline} on the tasks into {@code outputDir}
   * with this set's settings: teachers, student, optional fine-tuning, dev results (results.md, results.json) and,
   * for tasks with a test file, the final model's predictions in {@code predictions/<task>.tsv}. Running again
   * continues where the last run stopped (see {@link BamPipeline}).
   *
   * @param progress where progress lines and bars go, or null for none
   * @throws TaskFileException for the first bad data file, row or field, before anything trains
   */
  public PipelineResult train(Path outputDir, @Nullable PrintStream progress) throws IOException {
    return train(outputDir, progress, PipelineRunner.LOCAL);
  }

  /** {@link #train(Path, PrintStream)} on another runner (a cluster's): the same files and results. */
  public PipelineResult train(Path outputDir, @Nullable PrintStream progress, PipelineRunner runner)
      throws IOException {
    return runner.run(job(outputDir), progress);
  }

  /**
   * The pipeline job of a run into {@code outputDir}: every data file read and checked, and the test predictions
   * as its final step. A cluster's machines each read the same job from the shared files.
   *
   * @throws TaskFileException for the first bad data file, row or field
   */
  public PipelineJob job(Path outputDir) throws IOException {
    List<PipelineTask> loaded = load();
    TestPredictions predictions = new TestPredictions(loaded.stream().map(PipelineTask::task).toList(),
        outputDir.resolve(PREDICTIONS), settings.recipe().maxLength());
    return new PipelineJob(outputDir, settings, loaded, ResultsStyle.DEFAULT, predictions);
  }

  /** The folder of a run's test predictions, under its output directory. */
  public static final String PREDICTIONS = "predictions";

  /**
   * Reads every task's train, dev and test files, checks each row and builds the tasks, in the file's order.
   *
   * @throws TaskFileException naming the data file, the line and the field of the first bad row, or the file of
   *     an empty split or of a training set with one class
   */
  public List<PipelineTask> load() throws IOException {
    List<PipelineTask> out = new ArrayList<>();
    for (TaskSpec spec : tasks) {
      Task task = TaskData.read(spec);
      out.add(PipelineTask.of(task));
    }
    return out;
  }
}
