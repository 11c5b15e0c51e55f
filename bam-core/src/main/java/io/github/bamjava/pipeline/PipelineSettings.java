package io.github.bamjava.pipeline;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import io.github.bamjava.encoder.EncoderSource;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link BamPipeline} trains: the encoder, the hyper-parameters, the teachers per task, whether the student is
 * fine-tuned, the seed and the hardware. Immutable; every option of the pipeline is declared here once, and the GLUE
 * runner, the task file and the command line all produce this value. Start from {@link #DEFAULT} and change it
 * with the {@code with…} methods.
 *
 * @param encoder the pretrained encoder of teachers and student
 * @param recipe the hyper-parameters of every stage
 * @param teachersPerTask how many teachers each task has: teacher k trains with seed + k and the student distils
 *     from the mean of their predictions (an ensemble teacher); the first is the task's Single model
 * @param finetune whether the student is fine-tuned on each task after multi-task training
 * @param seed the seed of every training run
 * @param device the device every model trains and predicts on, or null for DJL's default device
 * @param mixedPrecision whether every model trains in FP16 mixed precision (GPU only: {@link BamPipeline} refuses
 *     it on a CPU); predictions and evaluation run in FP32
 * @param predictionShard how many training examples a teacher predicts in one unit at most: a larger training set
 *     is split into about equal shards that a cluster predicts in parallel and merges (the outputs are the same,
 *     bit for bit, however the set is split); default {@value #DEFAULT_PREDICTION_SHARD}
 */
public record PipelineSettings(EncoderSource encoder, Recipe recipe, int teachersPerTask, boolean finetune,
    long seed, @Nullable Device device, boolean mixedPrecision, int predictionShard) {

  /** The embedded MiniLM, {@link Recipe#LEARNING}, one teacher per task, no fine-tuning, seed 0, FP32. */
  public static final PipelineSettings DEFAULT =
      new PipelineSettings(EncoderSource.miniLm(), Recipe.LEARNING, 1, false, 0, null, false,
          PipelineSettings.DEFAULT_PREDICTION_SHARD);

  /**
   * The default of {@link #predictionShard()}: 50,000 examples. A shard costs a unit's fixed price (a task's start,
   * the teacher's load, a pass of the tokenizer over the whole training set to find the batches) of seconds,
   * against minutes of predicting on one core even with a small encoder; and GLUE's training sets of up to 50,000
   * examples (all but SST-2, QNLI, QQP and MNLI) stay one unit, where splitting would gain less than it costs.
   */
  public static final int DEFAULT_PREDICTION_SHARD = 50_000;

  /** Checks every value, naming the first bad one. */
  public PipelineSettings {
    requireNonNull(encoder, "encoder");
    requireNonNull(recipe, "recipe");
    checkArgument(teachersPerTask >= 1, "a task needs at least one teacher, got %s", teachersPerTask);
    checkArgument(predictionShard >= 1, "a prediction shard holds at least one example, got %s", predictionShard);
  }

  /** These settings with another pretrained encoder. */
  public PipelineSettings withEncoder(EncoderSource source) {
    return new PipelineSettings(source, recipe, teachersPerTask, finetune, seed, device,
        mixedPrecision, predictionShard);
  }

  /** These settings with other hyper-parameters. */
  public PipelineSettings withRecipe(Recipe r) {
    return new PipelineSettings(encoder, r, teachersPerTask, finetune, seed, device, mixedPrecision, predictionShard);
  }

  /** These settings with {@code n} teachers per task. */
  public PipelineSettings withTeachersPerTask(int n) {
    return new PipelineSettings(encoder, recipe, n, finetune, seed, device, mixedPrecision, predictionShard);
  }

  /** These settings with fine-tuning on or off. */
  public PipelineSettings withFinetune(boolean fine) {
    return new PipelineSettings(encoder, recipe, teachersPerTask, fine, seed, device, mixedPrecision, predictionShard);
  }

  /** These settings with another seed. */
  public PipelineSettings withSeed(long s) {
    return new PipelineSettings(encoder, recipe, teachersPerTask, finetune, s, device, mixedPrecision, predictionShard);
  }

  /** These settings on another device (null: DJL's default). */
  public PipelineSettings withDevice(@Nullable Device d) {
    return new PipelineSettings(encoder, recipe, teachersPerTask, finetune, seed, d, mixedPrecision, predictionShard);
  }

  /** These settings with FP16 mixed precision on or off. */
  public PipelineSettings withMixedPrecision(boolean mixed) {
    return new PipelineSettings(encoder, recipe, teachersPerTask, finetune, seed, device, mixed, predictionShard);
  }

  /** These settings with teachers' predictions in shards of at most {@code examples} training examples. */
  public PipelineSettings withPredictionShard(int examples) {
    return new PipelineSettings(encoder, recipe, teachersPerTask, finetune, seed, device, mixedPrecision, examples);
  }
}
