package io.github.bamjava.examples;

import ai.djl.Device;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.model.Pooling;
import io.github.bamjava.model.RegressionOutput;
import io.github.bamjava.pipeline.PipelineSettings;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Strategies;
import io.github.bamjava.pipeline.StrategyNames;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of every command that trains a pipeline ({@code bam glue}, {@code bam train}), declared once: each
 * changes one field of the {@link PipelineSettings} the command starts from (a preset's, a task file's), and an
 * option left out keeps that field. {@link #apply} is the one translation from the command line to settings.
 */
final class PipelineOptions {

  @Option(names = "--encoder", paramLabel = "DIR",
      description = "A HuggingFace checkpoint directory of BERT, RoBERTa, DistilBERT or ELECTRA (config.json,"
          + " model.safetensors or a sharded index, tokenizer.json or vocab.txt); default: the task file's, else the"
          + " embedded all-MiniLM-L6-v2.")
  Path encoder;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of every training run (default: the task"
      + " file's, else 0).")
  Long seed;

  @Option(names = "--teachers", paramLabel = "N",
      description = "Teachers per task (seeds seed, seed+1, ...); the student distils from their mean (default:"
          + " the task file's, else 1).")
  Integer teachersPerTask;

  @Option(names = "--finetune", description = "Fine-tune the student on each task after multi-task training.")
  boolean finetune;

  @Option(names = "--prediction-shard", paramLabel = "N",
      description = "A teacher predicts at most N training examples in one unit: a larger training set is split"
          + " into shards that Spark predicts in parallel and merges, with the same outputs bit for bit (default:"
          + " 50000).")
  Integer predictionShard;

  @Option(names = "--device", paramLabel = "DEVICE", converter = DeviceConverter.class,
      description = "cpu, gpu or gpu:N (default: DJL's default device: the first GPU where the engine has CUDA).")
  Device device;

  @Option(names = "--fp16",
      description = "Train in FP16 mixed precision (FP32 master weights, dynamic loss scaling). GPU only: refused on"
          + " a CPU, where DJL's FP16 is about 1000x slower than FP32.")
  boolean fp16;

  @Option(names = "--lr", paramLabel = "RATE",
      description = "Peak learning rate of the top layer in every stage: teachers, student, fine-tuning (default:"
          + " each stage's own).")
  Double learningRate;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs of every stage (default: each stage's own).")
  Integer epochs;

  @Option(names = "--batch-size", paramLabel = "N",
      description = "Examples per minibatch in every stage (default: each stage's own).")
  Integer batchSize;

  @Option(names = "--max-length", paramLabel = "N", description = "Longest input in tokens (default: the"
      + " preset's or task file's).")
  Integer maxLength;

  @Option(names = "--layer-decay", paramLabel = "ALPHA",
      description = "Layer-wise learning-rate decay: a layer's rate is lr * ALPHA^(depth from the top); 1 turns it"
          + " off (default: 0.9).")
  Double layerDecay;

  @Option(names = "--sampler", paramLabel = "NAME",
      description = "How often each task is drawn: uniform, proportional or size-exponent:E (∝ |D|^E; default:"
          + " size-exponent:0.75).")
  String sampler;

  @Option(names = "--annealing", paramLabel = "NAME",
      description = "The gold label's weight λ over training: linear (0 to 1, the paper's) or constant:L (default:"
          + " linear).")
  String annealing;

  @Option(names = "--loss", paramLabel = "NAME",
      description = "The per-example loss: cross-entropy (to the annealed target; squared error for regression)."
          + " Default: cross-entropy.")
  String loss;

  @Option(names = "--temperature", paramLabel = "T",
      description = "Temperature of classification teachers' soft targets, softmax(logits / T); above 1 softens"
          + " them (default: 1, the teachers' probabilities).")
  Double temperature;

  @Option(names = "--schedule", paramLabel = "NAME",
      description = "The learning rate over a run: warmup-linear:F (warm-up over the fraction F, then linear decay"
          + " to 0) or constant (default: warmup-linear:0.1).")
  String schedule;

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
          + " real tokens, as sentence-transformers); default: the preset's or task file's.")
  PoolingName pooling;

  @Option(names = "--regression", paramLabel = "sigmoid|linear",
      description = "Regression output: sigmoid (as the paper) or linear (as the original code); default: the"
          + " preset's or task file's.")
  RegressionOutput regression;

  @Mixin ThreadsOption threads;

  /**
   * The settings {@code base} with every option given over its field; {@code --threads} is set in this process
   * at once.
   *
   * @throws ParameterException naming the option, for a value out of range or a strategy name this library does
   *     not know (with the names it knows)
   */
  PipelineSettings apply(CommandSpec spec, PipelineSettings base) {
    threads.apply(spec);
    EncoderOption.announce(spec, encoder);
    check(spec, teachersPerTask == null || teachersPerTask >= 1, "--teachers must be >= 1, got " + teachersPerTask);
    check(spec, maxLength == null || maxLength >= 3, "--max-length must be >= 3, got " + maxLength);
    check(spec, predictionShard == null || predictionShard >= 1, "--prediction-shard must be >= 1, got "
        + predictionShard);
    PipelineSettings s = base.withRecipe(recipe(spec, base.recipe()));
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
    if (predictionShard != null) {
      s = s.withPredictionShard(predictionShard);
    }
    if (device != null) {
      s = s.withDevice(device);
    }
    return fp16 ? s.withMixedPrecision(true) : s;
  }

  /** Where the max length of the settings came from, for messages: this option or the preset or file. */
  String maxLengthSource(String otherwise) {
    return maxLength != null ? "--max-length" : otherwise;
  }

  private Recipe recipe(CommandSpec spec, Recipe base) {
    Recipe r = base;
    try {
      if (learningRate != null) {
        r = r.withEveryStage(stage -> stage.withLearningRate(learningRate));
      }
      if (epochs != null) {
        r = r.withEveryStage(stage -> stage.withEpochs(epochs));
      }
      if (batchSize != null) {
        r = r.withEveryStage(stage -> stage.withBatchSize(batchSize));
      }
      if (maxLength != null) {
        r = r.withMaxLength(maxLength);
      }
      if (layerDecay != null) {
        r = r.withLayerDecay(layerDecay);
      }
      if (temperature != null) {
        r = r.withTemperature(temperature);
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    r = r.withSampler(strategy(spec, "--sampler", sampler, Strategies.SAMPLER, r.sampler()))
        .withAnnealing(strategy(spec, "--annealing", annealing, Strategies.ANNEALING, r.annealing()))
        .withLoss(strategy(spec, "--loss", loss, Strategies.LOSS, r.loss()))
        .withSchedule(strategy(spec, "--schedule", schedule, Strategies.SCHEDULE, r.schedule()));
    HeadOptions heads = r.heads();
    if (pooling != null) {
      heads = heads.withPooling(pooling.pooling);
    }
    if (regression != null) {
      heads = heads.withRegressionOutput(regression);
    }
    return r.withHeads(heads);
  }

  private static <T> T strategy(CommandSpec spec, String option, String value, StrategyNames<T> names, T otherwise) {
    if (value == null) {
      return otherwise;
    }
    try {
      return names.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }

  private static void check(CommandSpec spec, boolean ok, String message) {
    if (!ok) {
      throw new ParameterException(spec.commandLine(), message);
    }
  }
}
