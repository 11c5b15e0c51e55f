package io.github.bamjava.examples;

import ai.djl.Device;
import io.github.bamjava.encoder.EncoderSource;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
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

  @Option(names = "--encoder", paramLabel = "DIR",
      description = "A HuggingFace checkpoint directory of BERT, RoBERTa, DistilBERT or ELECTRA, over the file's"
          + " (default: the file's, else the embedded all-MiniLM-L6-v2).")
  Path encoder;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of every training run, over the file's.")
  Long seed;

  @Option(names = "--teachers", paramLabel = "N", description = "Teachers per task, over the file's.")
  Integer teachersPerTask;

  @Option(names = "--finetune", description = "Fine-tune the student on each task after multi-task training.")
  boolean finetune;

  @Option(names = "--device", paramLabel = "DEVICE", converter = DeviceConverter.class,
      description = "cpu, gpu or gpu:N (default: DJL's default device: the first GPU where the engine has CUDA).")
  Device device;

  @Option(names = "--fp16", description = "Train in FP16 mixed precision. GPU only: refused on a CPU.")
  boolean fp16;

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
    EncoderOption.announce(spec, encoder);
    if (teachersPerTask != null && teachersPerTask < 1) {
      throw new ParameterException(spec.commandLine(), "--teachers must be >= 1, got " + teachersPerTask);
    }
    TaskSet set = TaskSet.read(tasks);
    PipelineSettings s = set.settings();
    if (encoder != null) {
      s = s.withEncoder(EncoderSource.huggingFace(encoder));
    }
    if (seed != null) {
      s = s.withSeed(seed);
    }
    if (teachersPerTask != null) {
      s = s.withTeachersPerTask(teachersPerTask);
    }
    if (finetune) {
      s = s.withFinetune(true);
    }
    s = s.withDevice(device).withMixedPrecision(fp16);
    EncoderOption.checkMaxLength(spec, "the task file's max length", s.recipe().maxLength(), s.encoder());
    return set.withSettings(s);
  }
}
