package io.github.bamjava.glue;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.model.ModelHeads;
import io.github.bamjava.sampling.TaskSampler;
import io.github.bamjava.train.BornAgainTrainer;

/**
 * The hyper-parameters of a {@link GlueBam} run: one {@link Stage} for the single-task teachers, one for the
 * multi-task student and one for the optional single-task fine-tuning, plus what they share.
 *
 * <p>Two presets are provided:
 *
 * <ul>
 *   <li>{@link #PAPER}: the BAM paper's settings for BERT-Large on GPUs. Teachers: lr 5e-5, batch 32, 3 epochs.
 *       Student: lr 1e-4, batch 128, 6 epochs. Fine-tuning: as the teachers. Layer-wise decay α 0.9, task
 *       sampling ∝ |D|^0.75, max length 128, every training example.
 *   <li>{@link #LEARNING}: a small encoder (MiniLM) on a few CPU cores, at a scale where its single-task models
 *       clearly learn every task but RTE and WNLI (see docs/results.md). Budgets are set in tokens as much as
 *       examples, since a step costs what its real tokens cost: CoLA keeps all of its short sentences (it learns
 *       nothing with fewer), SST-2 7,000 short phrases, every other task 2,000 pairs, drawn at random with seed
 *       13 (the same ones for teachers and student) — about 100k tokens a task. Every stage uses batch 32, max
 *       length 128; teachers and student lr 1e-4 for 3 epochs (a 6-layer MiniLM fine-tunes best at a higher
 *       rate than BERT-Large), fine-tuning lr 5e-5 for 1 epoch. α 0.9 and the 0.75 task exponent are the
 *       paper's. Unlike the paper, Adam's moments are bias-corrected: a run of 189 steps is all start, and
 *       without the correction its effective rate is 2-3x the stated one (QNLI's teacher: 68.8 without, 78.0
 *       with, docs/results.md). Also unlike the paper, the heads read the mean of the real tokens and end
 *       regression linearly ({@link HeadOptions#MEAN_LINEAR}): MiniLM is a sentence-transformer, trained on
 *       mean pooling and shipped without a pooler, and over three seeds its teachers scored 0.9 points higher
 *       on average with it (docs/results.md).
 * </ul>
 *
 * <p>Make a variant with the {@code with…} methods, or build a record of your own.
 *
 * @param name a short name for logs and results
 * @param teacher the single-task teachers' stage
 * @param student the multi-task student's stage
 * @param finetune the single-task fine-tuning stage (used when fine-tuning is on)
 * @param maxLength the longest tokenized input, special tokens included
 * @param trainBudget how many training examples each task keeps
 * @param layerDecay the layer-wise learning-rate decay α (1 turns it off)
 * @param taskExponent the task-sampling exponent: task t is drawn ∝ |D_t|^exponent
 * @param heads the heads' pooling and regression output, in every stage
 * @param biasCorrection whether Adam's moments are bias-corrected: not in BERT's optimizer, which the paper
 *     trains with; yes for short runs, where without it the first few hundred steps move 2-3x faster than the
 *     learning rate says (docs/concepts.md)
 */
public record Preset(String name, Stage teacher, Stage student, Stage finetune, int maxLength,
    TrainBudget trainBudget, double layerDecay, double taskExponent, HeadOptions heads, boolean biasCorrection) {

  /** The BAM paper's settings (Clark et al. 2019, section 4 and appendix). */
  public static final Preset PAPER = new Preset("paper", new Stage(5e-5, 32, 3),
      new Stage(1e-4, 128, 6), new Stage(5e-5, 32, 3), 128, TrainBudget.of(TrainCap.all()), 0.9, 0.75,
      HeadOptions.DEFAULT, false);

  /** The seed of every preset's random choice of kept training examples. */
  public static final long CAP_SEED = 13;

  /** A small encoder (MiniLM) on a few CPU cores, where it learns; see the class comment for why each value. */
  public static final Preset LEARNING = new Preset("learning", new Stage(1e-4, 32, 3),
      new Stage(1e-4, 32, 3), new Stage(5e-5, 32, 1), 128,
      TrainBudget.of(TrainCap.random(2000, CAP_SEED))
          .with(GlueTask.COLA, TrainCap.all())
          .with(GlueTask.SST2, TrainCap.random(7000, CAP_SEED)),
      0.9, 0.75, HeadOptions.MEAN_LINEAR, true);

  public Preset {
    requireNonNull(name, "name");
    requireNonNull(teacher, "teacher");
    requireNonNull(student, "student");
    requireNonNull(finetune, "finetune");
    requireNonNull(trainBudget, "trainBudget");
    requireNonNull(heads, "heads");
    checkArgument(maxLength >= 3, "max length must be >= 3, got %s", maxLength);
    checkArgument(layerDecay > 0 && layerDecay <= 1, "layer decay must be in (0, 1], got %s", layerDecay);
    checkArgument(taskExponent >= 0 && Double.isFinite(taskExponent),
        "task exponent must be a finite number >= 0, got %s", taskExponent);
  }

  /** The preset with one training cap for every task (for example {@code TrainCap.first(500)}). */
  public Preset withTrainCap(TrainCap cap) {
    return new Preset(name, teacher, student, finetune, maxLength, TrainBudget.of(cap), layerDecay, taskExponent,
        heads, biasCorrection);
  }

  /** The preset with another maximum input length. */
  public Preset withMaxLength(int length) {
    return new Preset(name, teacher, student, finetune, length, trainBudget, layerDecay, taskExponent, heads,
        biasCorrection);
  }

  /** The preset with other head options. */
  public Preset withHeads(HeadOptions options) {
    return new Preset(name, teacher, student, finetune, maxLength, trainBudget, layerDecay, taskExponent, options,
        biasCorrection);
  }

  /** The preset with other stages. */
  public Preset withStages(Stage teacherStage, Stage studentStage, Stage finetuneStage) {
    return new Preset(name, teacherStage, studentStage, finetuneStage, maxLength, trainBudget, layerDecay,
        taskExponent, heads, biasCorrection);
  }

  /**
   * A trainer with this preset's settings for one of its stages; the caller adds the encoder, the tasks, the
   * output directory and anything else of its own. The one place where a preset becomes training settings.
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

  /**
   * One training stage's optimisation settings.
   *
   * @param learningRate the peak learning rate of the top layer (warm-up 10%, then linear decay)
   * @param batchSize examples per minibatch
   * @param epochs passes over the training examples
   */
  public record Stage(double learningRate, int batchSize, int epochs) {
    public Stage {
      checkArgument(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be > 0, got %s",
          learningRate);
      checkArgument(batchSize >= 1, "batch size must be >= 1, got %s", batchSize);
      checkArgument(epochs >= 1, "epochs must be >= 1, got %s", epochs);
    }
  }
}
