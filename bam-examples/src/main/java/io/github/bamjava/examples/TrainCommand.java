package io.github.bamjava.examples;

import io.github.bamjava.pipeline.PipelineJob;
import io.github.bamjava.pipeline.PipelineResult;
import io.github.bamjava.pipeline.PipelineSettings;
import io.github.bamjava.taskfile.TaskSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bam train}: the BAM pipeline on the tasks a task file declares (docs/api.md, "Task files"). The file's
 * {@code settings} say how to train; the options here override them for one run.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    header = "The BAM pipeline on your own tasks, declared in a task file.",
    description = {"Run the BAM pipeline on the tasks a task file declares (JSON; schema in docs/api.md and",
        "docs/task-set.schema.json): a teacher per task, their predictions, one multi-task student, optional",
        "fine-tuning, dev results (results.md/.json) and test predictions (predictions/<task>.tsv).",
        "Every data file is checked before anything trains. Re-running into the same --output reuses finished",
        "teachers and resumes an interrupted student.", ""})
final class TrainCommand implements Callable<Integer>, SparkOption.JobCommand {

  @Spec CommandSpec spec;

  @Option(names = "--tasks", required = true, paramLabel = "FILE",
      description = "The task file (e.g. examples/my-tasks/tasks.json); data paths in it are relative to it.")
  Path tasks;

  @Option(names = {"-o", "--output"}, defaultValue = "runs/train", paramLabel = "DIR",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin PipelineOptions options;

  @Mixin SparkOption spark;

  @Override
  public Integer call() throws IOException {
    TaskSet set = taskSet();
    PipelineResult result = set.train(output, System.out, spark.runner(spec));
    PrintWriter out = spec.commandLine().getOut();
    out.println();
    out.print(result.markdown());
    out.printf(Locale.ROOT, "%nWritten to %s in %.0f s. The student: %s; predict with%n  bam predict --model %s"
        + " --task %s \"a sentence\"%n", output.toAbsolutePath(), result.seconds(), result.studentModel(),
        result.studentModel(), set.tasks().get(0).name());
    out.flush();
    return 0;
  }

  @Override
  public PipelineJob job() throws IOException {
    return taskSet().job(output);
  }

  /** The task file with the options' settings over its own, checked. */
  private TaskSet taskSet() throws IOException {
    if (!Files.isRegularFile(tasks)) {
      throw new ParameterException(spec.commandLine(), "--tasks " + tasks + " is not a file");
    }
    TaskSet set = TaskSet.read(tasks);
    PipelineSettings s = options.apply(spec, set.settings());
    EncoderOption.checkMaxLength(spec, options.maxLengthSource("the task file's max length"),
        s.recipe().maxLength(), s.encoder());
    return set.withSettings(s);
  }
}
