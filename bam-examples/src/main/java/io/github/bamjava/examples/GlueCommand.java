package io.github.bamjava.examples;

import io.github.bamjava.task.TrainCap;
import ai.djl.Device;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.glue.GlueBam;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.glue.Preset;
import io.github.bamjava.model.Pooling;
import io.github.bamjava.model.RegressionOutput;
import io.github.bamjava.pipeline.PipelineJob;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
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

  @Option(names = "--encoder", paramLabel = "DIR",
      description = "A HuggingFace checkpoint directory of BERT, RoBERTa, DistilBERT or ELECTRA (config.json,"
          + " model.safetensors or a sharded index, tokenizer.json or vocab.txt); default: the embedded"
          + " all-MiniLM-L6-v2.")
  Path encoder;

  @Option(names = "--train-cap", paramLabel = "N",
      description = "Keep N training examples per task, chosen at random with a fixed seed; 0 keeps all"
          + " (default: the preset's).")
  Integer trainCap;

  @Option(names = "--max-length", paramLabel = "N", description = "Longest input in tokens (default: the preset's).")
  Integer maxLength;

  @Option(names = "--finetune", description = "Fine-tune the student on each task after multi-task training.")
  boolean finetune;

  @Option(names = "--device", paramLabel = "DEVICE", converter = DeviceConverter.class,
      description = "cpu, gpu or gpu:N (default: DJL's default device: the first GPU where the engine has CUDA).")
  Device device;

  @Option(names = "--fp16",
      description = "Train in FP16 mixed precision (FP32 master weights, dynamic loss scaling). GPU only: refused on"
          + " a CPU, where DJL's FP16 is about 1000x slower than FP32.")
  boolean fp16;

  /** Pooling as the command line spells it. */
  enum PoolingName {
    cls(Pooling.CLS_POOLER), mean(Pooling.MEAN);

    final Pooling pooling;

    PoolingName(Pooling pooling) {
      this.pooling = pooling;
    }
  }

  @Option(names = "--pooling", paramLabel = "cls|mean",
      description = "Sentence vector of the heads: cls ([CLS] through the pooler, as BERT) or mean (mean of the"
          + " real tokens, as sentence-transformers); default: the preset's.")
  PoolingName pooling;

  @Option(names = "--regression", paramLabel = "sigmoid|linear",
      description = "Regression output: sigmoid (as the paper) or linear (as the original code); default: the"
          + " preset's.")
  RegressionOutput regression;

  @Option(names = "--teachers", defaultValue = "1", paramLabel = "N",
      description = "Teachers per task (seeds seed, seed+1, ...); the student distils from their mean"
          + " (default: ${DEFAULT-VALUE}).")
  int teachersPerTask;

  @Option(names = "--symmetric", description = "Also train MRPC and STS-B on every pair in swapped order.")
  boolean symmetric;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of every training run (default: ${DEFAULT-VALUE}).")
  long seed;

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
    if (teachersPerTask < 1) {
      throw new ParameterException(spec.commandLine(), "--teachers must be >= 1, got " + teachersPerTask);
    }
    // Read before any GLUE file: an unsupported model_type or a broken config is reported at once.
    EncoderOption.announce(spec, encoder);
    if (maxLength != null && maxLength < 3) {
      throw new ParameterException(spec.commandLine(), "--max-length must be >= 3, got " + maxLength);
    }
    if (trainCap != null) {
      p = p.withTrainCap(trainCap == 0 ? TrainCap.all() : TrainCap.random(trainCap, 13));
    }
    if (maxLength != null) {
      p = p.withRecipe(p.recipe().withMaxLength(maxLength));
    }
    if (pooling != null) {
      p = p.withRecipe(p.recipe().withHeads(p.recipe().heads().withPooling(pooling.pooling)));
    }
    if (regression != null) {
      p = p.withRecipe(p.recipe().withHeads(p.recipe().heads().withRegressionOutput(regression)));
    }
    EncoderSource source = encoder == null ? EncoderSource.miniLm() : EncoderSource.huggingFace(encoder);
    EncoderOption.checkMaxLength(spec, maxLength != null ? "--max-length" : "the preset's max length",
        p.recipe().maxLength(), source);
    GlueBam.Builder builder = GlueBam.builder()
        .setGlueDir(glueDir)
        .setOutputDir(output)
        .optTasks(tasks)
        .optPreset(p)
        .optSymmetricPairs(symmetric)
        .optTeachersPerTask(teachersPerTask)
        .optFinetune(finetune)
        .optSeed(seed);
    if (encoder != null) {
      builder.optEncoder(source);
    }
    if (device != null) {
      builder.optDevice(device);
    }
    builder.optMixedPrecision(fp16);
    return builder.build();
  }
}
