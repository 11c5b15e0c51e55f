package io.github.bamjava.pipeline;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.github.bamjava.distill.LossFunction;
import io.github.bamjava.distill.TeacherAnnealingSchedule;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.model.ModelHeads;
import io.github.bamjava.optim.OptimizerSettings;
import io.github.bamjava.optim.RunSchedule;
import io.github.bamjava.sampling.TaskSampler;
import io.github.bamjava.train.BornAgainTrainer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The hyper-parameters of a pipeline run: one {@link Stage} for the single-task teachers, one for the multi-task
 * student and one for the optional single-task fine-tuning, plus what they share. How many training examples each
 * task keeps is not here: that belongs to the tasks (a benchmark's budget, a task file's {@code cap}).
 *
 * <p>Two recipes are provided:
 *
 * <ul>
 *   <li>{@link #PAPER}: the BAM paper's settings for BERT-Large on GPUs. Teachers: lr 5e-5, batch 32, 3 epochs.
 *       Student: lr 1e-4, batch 128, 6 epochs. Fine-tuning: as the teachers. Layer-wise decay α 0.9, task
 *       sampling ∝ |D|^0.75, max length 128.
 *   <li>{@link #LEARNING}: a small encoder (MiniLM) on a few CPU cores. Every stage uses batch 32, max length
 *       128; teachers and student lr 1e-4 for 3 epochs (a 6-layer MiniLM fine-tunes best at a higher rate than
 *       BERT-Large), fine-tuning lr 5e-5 for 1 epoch. α 0.9 and the 0.75 task exponent are the paper's. Unlike
 *       the paper, Adam's moments are bias-corrected: a run of 189 steps is all start, and without the correction
 *       its effective rate is 2-3x the stated one (QNLI's teacher: 68.8 without, 78.0 with, docs/results.md).
 *       Also unlike the paper, the heads read the mean of the real tokens and end regression linearly
 *       ({@link HeadOptions#MEAN_LINEAR}): MiniLM is a sentence-transformer, trained on mean pooling and shipped
 *       without a pooler, and over three seeds its teachers scored 0.9 points higher on average with it
 *       (docs/results.md).
 * </ul>
 *
 * <p>Make a variant with the {@code with…} methods, or build a record of your own. Every option here is declared
 * once: the task file, the command line and the study produce a recipe, and {@link #trainer(Stage)} is the one
 * place it becomes a trainer's settings. The strategies have stable names ({@link Strategies}).
 *
 * @param name a short name for logs and results
 * @param teacher the single-task teachers' stage
 * @param student the multi-task student's stage
 * @param finetune the single-task fine-tuning stage (used when fine-tuning is on)
 * @param maxLength the longest tokenized input, special tokens included
 * @param layerDecay the layer-wise learning-rate decay α (1 turns it off)
 * @param sampler how often each task is drawn in multi-task training (the paper: ∝ |D_t|^0.75)
 * @param heads the heads' pooling and regression output, in every stage
 * @param biasCorrection whether Adam's moments are bias-corrected: not in BERT's optimizer, which the paper
 *     trains with; yes for short runs, where without it the first few hundred steps move 2-3x faster than the
 *     learning rate says (docs/concepts.md)
 * @param annealing how λ, the gold label's weight in a distilled target, moves over training (the paper: linear)
 * @param loss the per-example loss against the annealed target
 * @param temperature the temperature of classification teachers' soft targets, softmax(logits / T): 1 (the paper)
 *     is the teachers' probabilities, above 1 softer ones
 * @param schedule the learning rate over each run (warm-up and decay)
 * @param bucketByLength whether minibatches group examples of similar length; null for the trainer's default
 *     (on for one task, off for several, so that a multi-task batch mixes tasks as the paper's do)
 */
public record Recipe(String name, Stage teacher, Stage student, Stage finetune, int maxLength, double layerDecay,
    TaskSampler sampler, HeadOptions heads, boolean biasCorrection, TeacherAnnealingSchedule annealing,
    LossFunction loss, double temperature, RunSchedule schedule, @Nullable Boolean bucketByLength) {

  /** The BAM paper's settings (Clark et al. 2019, section 4 and appendix). */
  public static final Recipe PAPER = new Recipe("paper", new Stage(5e-5, 32, 3), new Stage(1e-4, 128, 6),
      new Stage(5e-5, 32, 3), 128, 0.9, 0.75, HeadOptions.DEFAULT, false);

  /** A small encoder (MiniLM) on a few CPU cores, where it learns; see the class comment for why each value. */
  public static final Recipe LEARNING = new Recipe("learning", new Stage(1e-4, 32, 3), new Stage(1e-4, 32, 3),
      new Stage(5e-5, 32, 1), 128, 0.9, 0.75, HeadOptions.MEAN_LINEAR, true);

  /** Checks every value, naming the first bad one. */
  public Recipe {
    requireNonNull(name, "name");
    requireNonNull(teacher, "teacher");
    requireNonNull(student, "student");
    requireNonNull(finetune, "finetune");
    requireNonNull(sampler, "sampler");
    requireNonNull(heads, "heads");
    requireNonNull(annealing, "annealing");
    requireNonNull(loss, "loss");
    requireNonNull(schedule, "schedule");
    checkArgument(maxLength >= 3, "max length must be >= 3, got %s", maxLength);
    checkArgument(layerDecay > 0 && layerDecay <= 1, "layer decay must be in (0, 1], got %s", layerDecay);
    checkArgument(temperature > 0 && Double.isFinite(temperature), "temperature must be > 0, got %s", temperature);
  }

  /**
   * A recipe with the paper's strategies (task sampling ∝ |D_t|^taskExponent, linear annealing, cross-entropy,
   * 10% warm-up then linear decay) and the trainer's default batching.
   *
   * @param taskExponent the task-sampling exponent: task t is drawn ∝ |D_t|^exponent
   */
  public Recipe(String name, Stage teacher, Stage student, Stage finetune, int maxLength, double layerDecay,
      double taskExponent, HeadOptions heads, boolean biasCorrection) {
    this(name, teacher, student, finetune, maxLength, layerDecay, TaskSampler.sizeExponent(taskExponent), heads,
        biasCorrection, TeacherAnnealingSchedule.linear(), LossFunction.paper(), 1.0,
        OptimizerSettings.BERT.schedule(), null);
  }

  /** The recipe under another name (results and logs show it). */
  public Recipe withName(String newName) {
    return new Recipe(newName, teacher, student, finetune, maxLength, layerDecay, sampler, heads, biasCorrection,
        annealing, loss, temperature, schedule, bucketByLength);
  }

  /** The recipe with another maximum input length. */
  public Recipe withMaxLength(int length) {
    return new Recipe(name, teacher, student, finetune, length, layerDecay, sampler, heads, biasCorrection,
        annealing, loss, temperature, schedule, bucketByLength);
  }

  /** The recipe with another layer-wise learning-rate decay α (1 turns it off). */
  public Recipe withLayerDecay(double alpha) {
    return new Recipe(name, teacher, student, finetune, maxLength, alpha, sampler, heads, biasCorrection,
        annealing, loss, temperature, schedule, bucketByLength);
  }

  /** The recipe with another task sampler. */
  public Recipe withSampler(TaskSampler taskSampler) {
    return new Recipe(name, teacher, student, finetune, maxLength, layerDecay, taskSampler, heads, biasCorrection,
        annealing, loss, temperature, schedule, bucketByLength);
  }

  /** The recipe with other head options. */
  public Recipe withHeads(HeadOptions options) {
    return new Recipe(name, teacher, student, finetune, maxLength, layerDecay, sampler, options, biasCorrection,
        annealing, loss, temperature, schedule, bucketByLength);
  }

  /** The recipe with Adam's bias correction on or off. */
  public Recipe withBiasCorrection(boolean correct) {
    return new Recipe(name, teacher, student, finetune, maxLength, layerDecay, sampler, heads, correct,
        annealing, loss, temperature, schedule, bucketByLength);
  }

  /** The recipe with another annealing schedule. */
  public Recipe withAnnealing(TeacherAnnealingSchedule schedule) {
    return new Recipe(name, teacher, student, finetune, maxLength, layerDecay, sampler, heads, biasCorrection,
        schedule, loss, temperature, this.schedule, bucketByLength);
  }

  /** The recipe with another loss. */
  public Recipe withLoss(LossFunction function) {
    return new Recipe(name, teacher, student, finetune, maxLength, layerDecay, sampler, heads, biasCorrection,
        annealing, function, temperature, schedule, bucketByLength);
  }

  /** The recipe with another temperature of the teachers' soft targets. */
  public Recipe withTemperature(double t) {
    return new Recipe(name, teacher, student, finetune, maxLength, layerDecay, sampler, heads, biasCorrection,
        annealing, loss, t, schedule, bucketByLength);
  }

  /** The recipe with another learning-rate schedule. */
  public Recipe withSchedule(RunSchedule runSchedule) {
    return new Recipe(name, teacher, student, finetune, maxLength, layerDecay, sampler, heads, biasCorrection,
        annealing, loss, temperature, runSchedule, bucketByLength);
  }

  /** The recipe with length bucketing on or off, or (null) the trainer's default. */
  public Recipe withBucketByLength(@Nullable Boolean bucket) {
    return new Recipe(name, teacher, student, finetune, maxLength, layerDecay, sampler, heads, biasCorrection,
        annealing, loss, temperature, schedule, bucket);
  }

  /** The recipe with other stages. */
  public Recipe withStages(Stage teacherStage, Stage studentStage, Stage finetuneStage) {
    return new Recipe(name, teacherStage, studentStage, finetuneStage, maxLength, layerDecay, sampler, heads,
        biasCorrection, annealing, loss, temperature, schedule, bucketByLength);
  }

  /** The recipe with every stage changed by {@code change} (say, one learning rate for all). */
  public Recipe withEveryStage(UnaryOperator<Stage> change) {
    return withStages(change.apply(teacher), change.apply(student), change.apply(finetune));
  }

  /**
   * A trainer with this recipe's settings for one of its stages; the caller adds the encoder, the tasks, the
   * output directory and anything else of its own. The one place where a recipe becomes training settings.
   */
  public BornAgainTrainer.Builder trainer(Stage stage) {
    BornAgainTrainer.Builder b = BornAgainTrainer.builder();
    // Adam's other constants are BERT's; the learning rate goes from the stage straight into the optimizer's value.
    OptimizerSettings bert = OptimizerSettings.BERT;
    b.optOptimizer(new OptimizerSettings(stage.learningRate(), layerDecay, bert.weightDecay(), bert.clipNorm(),
            bert.beta1(), bert.beta2(), bert.epsilon(), biasCorrection, schedule))
        .optBatchSize(stage.batchSize())
        .optEpochs(stage.epochs())
        .optMaxLength(maxLength)
        .optSampler(sampler)
        .optAnnealing(annealing)
        .optLoss(loss)
        .optTemperature(temperature)
        .optHeads(ModelHeads.defaults().withOptions(heads));
    if (bucketByLength != null) {
      b.optBucketByLength(bucketByLength);
    }
    return b;
  }
}
