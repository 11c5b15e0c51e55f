package io.github.bamjava.examples;

import io.github.bamjava.glue.GlueBam;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.glue.Preset;
import io.github.bamjava.pipeline.PipelineJob;
import io.github.bamjava.pipeline.PipelineSettings;
import io.github.bamjava.task.TrainCap;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bam glue}: the BAM pipeline on a GLUE directory in the standard layout. */
@Command(name = "glue", mixinStandardHelpOptions = true,
    header = "The BAM pipeline on a GLUE directory.",
    description = {"Run the BAM pipeline on a GLUE directory: teachers, predictions, student, optional",
        "fine-tuning, dev results (results.md/.json) and GLUE submission files.",
        "Re-running into the same --output reuses finished teachers and resumes an interrupted student.", ""})
final class GlueCommand implements Callable<Integer>, SparkOption.JobCommand {

  /** The named presets. */
  enum PresetName {
    learning(Preset.LEARNING), paper(Preset.PAPER);

    final Preset preset;

    PresetName(Preset preset) {
      this.preset = preset;
    }
  }

  @Spec CommandSpec spec;

  @Option(names = "--glue-dir", required = true, paramLabel = "DIR",
      description = "GLUE data in the standard layout (DIR/SST-2/train.tsv, ...).")
  Path glueDir;

  @Option(names = "--tasks", split = ",", paramLabel = "TASK", converter = GlueTaskConverter.class,
      description = "Tasks to train, comma-separated, e.g. CoLA,SST-2,MRPC (default: all found in --glue-dir).")
  List<GlueTask> tasks = List.of();

  @Option(names = "--preset", defaultValue = "learning", paramLabel = "NAME",
      description = "learning (MiniLM on a few cores where it learns: CoLA all, SST-2 7,000, other tasks 2,000"
          + " examples, max length 128, 3 epochs) or paper (the BAM paper's settings); default: ${DEFAULT-VALUE}.")
  PresetName preset;

  @Option(names = {"-o", "--output"}, defaultValue = "runs/glue", paramLabel = "DIR",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--train-cap", paramLabel = "N",
      description = "Keep N training examples per task, chosen at random with a fixed seed; 0 keeps all"
          + " (default: the preset's).")
  Integer trainCap;

  @Mixin PipelineOptions options;

  @Option(names = "--symmetric", description = "Also train MRPC and STS-B on every pair in swapped order.")
  boolean symmetric;

  @Mixin SparkOption spark;

  @Override
  public Integer call() throws IOException {
    GlueBam.Result result = glueBam().run(spark.runner(spec));
    PrintWriter out = spec.commandLine().getOut();
    out.println();
    out.print(result.markdown());
    out.flush();
    return 0;
  }

  @Override
  public PipelineJob job() throws IOException {
    return glueBam().job();
  }

  /** The run the options ask for, checked. */
  private GlueBam glueBam() throws IOException {
    Preset p = preset.preset;
    if (trainCap != null && trainCap < 0) {
      throw new ParameterException(spec.commandLine(), "--train-cap must be >= 0, got " + trainCap);
    }
    if (trainCap != null) {
      p = p.withTrainCap(trainCap == 0 ? TrainCap.all() : TrainCap.random(trainCap, Preset.CAP_SEED));
    }
    // Read before any GLUE file: an unsupported model_type or a broken config is reported at once.
    PipelineSettings settings = options.apply(spec, PipelineSettings.DEFAULT.withRecipe(p.recipe()));
    EncoderOption.checkMaxLength(spec, options.maxLengthSource("the preset's max length"),
        settings.recipe().maxLength(), settings.encoder());
    GlueBam.Settings run = GlueBam.Settings.of(glueDir, output)
        .withTasks(tasks)
        .withPreset(p)
        .withPipeline(settings)
        .withSymmetricPairs(symmetric);
    return GlueBam.of(run, System.out);
  }
}
