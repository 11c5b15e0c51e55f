package io.github.bamjava.pipeline;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.model.ModelHeads;
import io.github.bamjava.sampling.TaskSampler;
import io.github.bamjava.train.BornAgainTrainer;

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
 * <p>Make a variant with the {@code with…} methods, or build a record of your own.
 *
 * @param name a short name for logs and results
 * @param teacher the single-task teachers' stage
 * @param student the multi-task student's stage
 * @param finetune the single-task fine-tuning stage (used when fine-tuning is on)
 * @param maxLength the longest tokenized input, special tokens included
 * @param layerDecay the layer-wise learning-rate decay α (1 turns it off)
 * @param taskExponent the task-sampling exponent: task t is drawn ∝ |D_t|^exponent
 * @param heads the heads' pooling and regression output, in every stage
 * @param biasCorrection whether Adam's moments are bias-corrected: not in BERT's optimizer, which the paper
 *     trains with; yes for short runs, where without it the first few hundred steps move 2-3x faster than the
 *     learning rate says (docs/concepts.md)
 */
public record Recipe(String name, Stage teacher, Stage student, Stage finetune, int maxLength, double layerDecay,
    double taskExponent, HeadOptions heads, boolean biasCorrection) {

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
    requireNonNull(heads, "heads");
    checkArgument(maxLength >= 3, "max length must be >= 3, got %s", maxLength);
    checkArgument(layerDecay > 0 && layerDecay <= 1, "layer decay must be in (0, 1], got %s", layerDecay);
    checkArgument(taskExponent >= 0 && Double.isFinite(taskExponent),
        "task exponent must be a finite number >= 0, got %s", taskExponent);
  }

  /** The recipe under another name (results and logs show it). */
  public Recipe withName(String newName) {
    return new Recipe(newName, teacher, student, finetune, maxLength, layerDecay, taskExponent, heads,
        biasCorrection);
  }

  /** The recipe with another maximum input length. */
  public Recipe withMaxLength(int length) {
    return new Recipe(name, teacher, student, finetune, length, layerDecay, taskExponent, heads, biasCorrection);
  }

  /** The recipe with other head options. */
  public Recipe withHeads(HeadOptions options) {
    return new Recipe(name, teacher, student, finetune, maxLength, layerDecay, taskExponent, options,
        biasCorrection);
  }

  /** The recipe with other stages. */
  public Recipe withStages(Stage teacherStage, Stage studentStage, Stage finetuneStage) {
    return new Recipe(name, teacherStage, studentStage, finetuneStage, maxLength, layerDecay, taskExponent, heads,
        biasCorrection);
  }

  /**
   * A trainer with this recipe's settings for one of its stages; the caller adds the encoder, the tasks, the
   * output directory and anything else of its own. The one place where a recipe becomes training settings.
   */
  public BornAgainTrainer.Builder trainer(Stage stage) {
    return BornAgainTrainer.builder()
        .optLearningRate(stage.learningRate())
        .optBatchSize(stage.batchSize())
        .optEpochs(stage.epochs())
        .optMaxLength(maxLength)
        .optLayerDecay(layerDecay)
        .optBiasCorrection(biasCorrection)
        .optSampler(TaskSampler.sizeExponent(taskExponent))
        .optHeads(ModelHeads.defaults().withOptions(heads));
  }
}
