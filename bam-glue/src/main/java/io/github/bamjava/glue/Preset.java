package io.github.bamjava.glue;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

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
 *   <li>{@link #CPU}: a small encoder (MiniLM) on a few CPU cores, where one pass over MNLI would take hours.
 *       Each task keeps 2,000 training examples drawn at random with seed 13 (the same ones for teachers and
 *       student), inputs are cut to 64 tokens (GLUE sentences are short; padding is most of the cost), and every
 *       stage uses batch 32, because small batches give more updates for the same CPU time. A 6-layer MiniLM
 *       fine-tunes best at higher rates than BERT-Large: teachers lr 1e-4, 3 epochs; student lr 1e-4, 3 epochs;
 *       fine-tuning lr 5e-5, 1 epoch. α 0.9 and the 0.75 task exponent are the paper's.
 * </ul>
 *
 * <p>Make a variant with the {@code with…} methods, or build a record of your own.
 *
 * @param name a short name for logs and results
 * @param teacher the single-task teachers' stage
 * @param student the multi-task student's stage
 * @param finetune the single-task fine-tuning stage (used when fine-tuning is on)
 * @param maxLength the longest tokenized input, special tokens included
 * @param trainCap how many training examples each task keeps
 * @param layerDecay the layer-wise learning-rate decay α (1 turns it off)
 * @param taskExponent the task-sampling exponent: task t is drawn ∝ |D_t|^exponent
 */
public record Preset(String name, Stage teacher, Stage student, Stage finetune, int maxLength,
    TrainCap trainCap, double layerDecay, double taskExponent) {

  /** The BAM paper's settings (Clark et al. 2019, section 4 and appendix). */
  public static final Preset PAPER = new Preset("paper", new Stage(5e-5, 32, 3),
      new Stage(1e-4, 128, 6), new Stage(5e-5, 32, 3), 128, TrainCap.all(), 0.9, 0.75);

  /** Settings for a small encoder (MiniLM) on a few CPU cores; see the class comment for why each value. */
  public static final Preset CPU = new Preset("cpu", new Stage(1e-4, 32, 3),
      new Stage(1e-4, 32, 3), new Stage(5e-5, 32, 1), 64, TrainCap.random(2000, 13), 0.9, 0.75);

  public Preset {
    requireNonNull(name, "name");
    requireNonNull(teacher, "teacher");
    requireNonNull(student, "student");
    requireNonNull(finetune, "finetune");
    requireNonNull(trainCap, "trainCap");
    checkArgument(maxLength >= 3, "max length must be >= 3, got %s", maxLength);
    checkArgument(layerDecay > 0 && layerDecay <= 1, "layer decay must be in (0, 1], got %s", layerDecay);
    checkArgument(taskExponent >= 0 && Double.isFinite(taskExponent),
        "task exponent must be a finite number >= 0, got %s", taskExponent);
  }

  /** The preset with another training cap (for example {@code TrainCap.first(500)}). */
  public Preset withTrainCap(TrainCap cap) {
    return new Preset(name, teacher, student, finetune, maxLength, cap, layerDecay, taskExponent);
  }

  /** The preset with another maximum input length. */
  public Preset withMaxLength(int length) {
    return new Preset(name, teacher, student, finetune, length, trainCap, layerDecay, taskExponent);
  }

  /** The preset with other stages. */
  public Preset withStages(Stage teacherStage, Stage studentStage, Stage finetuneStage) {
    return new Preset(name, teacherStage, studentStage, finetuneStage, maxLength, trainCap, layerDecay,
        taskExponent);
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
