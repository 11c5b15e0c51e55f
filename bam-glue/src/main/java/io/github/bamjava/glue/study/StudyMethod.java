package io.github.bamjava.glue.study;

import io.github.bamjava.distill.TeacherAnnealingSchedule;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Stage;
import io.github.bamjava.sampling.TaskSampler;
import org.jspecify.annotations.Nullable;

/**
 * A training method of the BAM paper, as the study runs it. Every method starts from the same pretrained
 * encoder; they differ in which tasks one model learns, what it learns from and, for the ablations, one setting
 * of the BAM recipe.
 */
public enum StudyMethod {
  /** One model per task, trained on the gold labels (the paper's "Single"); also the BAM teachers. */
  SINGLE("Single", "single", false, null, null),
  /** One model for all tasks, trained on the gold labels. */
  MULTI("Multi", "multi", true, null, null),
  /** One model per task, distilled from that task's Single model with teacher annealing. */
  SINGLE_SINGLE("Single→Single", "single-single", false, SINGLE, null),
  /** One model for all tasks, distilled from the Multi model with teacher annealing. */
  MULTI_MULTI("Multi→Multi", "multi-multi", true, MULTI, null),
  /** BAM: one model for all tasks, distilled from the Single models with teacher annealing. */
  BAM("Single→Multi (BAM)", "bam", true, SINGLE, null),
  /** BAM with one learning rate for every layer (layer-wise decay α = 1). */
  NO_LAYERWISE_LR("BAM, no layer-wise LR", "bam-no-layerwise-lr", true, SINGLE, null),
  /** BAM drawing tasks in proportion to their size (exponent 1) rather than ∝ |D|^0.75. */
  NO_TASK_SAMPLING("BAM, no task sampling", "bam-no-task-sampling", true, SINGLE, null),
  /** BAM without teacher annealing: pure distillation, λ = 0 throughout. */
  LAMBDA_ZERO("BAM, λ = 0", "bam-lambda-0", true, SINGLE, null),
  /** BAM with a constant half-and-half target, λ = 0.5 throughout. */
  LAMBDA_HALF("BAM, λ = 0.5", "bam-lambda-0.5", true, SINGLE, null),
  /**
   * BAM with length-bucketed minibatches (not in the paper: an option of this library that trains faster on a
   * CPU). Tells whether bucketing, which keeps every batch's mix of tasks, costs the student anything.
   */
  BAM_BUCKETED("BAM, length-bucketed batches", "bam-bucketed", true, SINGLE, null),
  /**
   * Single with the other head options (not in the paper): mean pooling over the real tokens and a linear
   * regression output, against the paper's [CLS] + pooler and sigmoid. Tells which makes the better default.
   */
  SINGLE_MEAN_LINEAR("Single, mean pooling + linear regression", "single-mean-linear", false, null, null),
  /** The Multi model fine-tuned on each task alone, on the gold labels. */
  MULTI_FINETUNED("Multi + fine-tuning", "multi-finetuned", false, null, MULTI),
  /** The BAM model fine-tuned on each task alone, on the gold labels. */
  BAM_FINETUNED("BAM + fine-tuning", "bam-finetuned", false, null, BAM),
  /**
   * The control of BAM + fine-tuning (not in the paper): the BAM model trained one more epoch on the gold labels
   * of all tasks together, with fine-tuning's learning rate, schedule and examples, each example once
   * (proportional sampling). Against it, fine-tuning's gain is the single-task stage alone, not the extra
   * training on gold labels.
   */
  BAM_GOLD_EPOCH("BAM + gold epoch", "bam-gold-epoch", true, null, BAM);

  private final String label;
  private final String dirName;
  private final boolean multiTask;
  private final @Nullable StudyMethod teacher;
  private final @Nullable StudyMethod startsFrom;

  StudyMethod(String label, String dirName, boolean multiTask, @Nullable StudyMethod teacher,
      @Nullable StudyMethod startsFrom) {
    this.label = label;
    this.dirName = dirName;
    this.multiTask = multiTask;
    this.teacher = teacher;
    this.startsFrom = startsFrom;
  }

  /** The method's name in tables, as the paper writes it. */
  public String label() {
    return label;
  }

  /** The method's directory name under the study's output directory. */
  public String dirName() {
    return dirName;
  }

  /** Whether one model learns every task at once, rather than one model per task. */
  public boolean multiTask() {
    return multiTask;
  }

  /** The method whose models are the teachers, or null when trained on gold labels only. */
  public @Nullable StudyMethod teacher() {
    return teacher;
  }

  /** The method whose trained model this one starts from, or null when it starts from the pretrained encoder. */
  public @Nullable StudyMethod startsFrom() {
    return startsFrom;
  }

  /**
   * The recipe the method trains with: the study's, with the one setting an ablation changes. Every other
   * multi-task method keeps the trainer's default for several tasks: batches padded each to its longest example,
   * not bucketed.
   */
  public Recipe recipe(Recipe study) {
    return switch (this) {
      case NO_LAYERWISE_LR -> study.withLayerDecay(1.0);
      // BAM_GOLD_EPOCH: every example once, as the seven fine-tunings see them.
      case NO_TASK_SAMPLING, BAM_GOLD_EPOCH -> study.withSampler(TaskSampler.proportional());
      case LAMBDA_ZERO -> study.withAnnealing(TeacherAnnealingSchedule.constant(0));
      case LAMBDA_HALF -> study.withAnnealing(TeacherAnnealingSchedule.constant(0.5));
      case BAM_BUCKETED -> study.withBucketByLength(true);
      case SINGLE_MEAN_LINEAR -> study.withHeads(HeadOptions.MEAN_LINEAR);
      default -> study;
    };
  }

  /**
   * The stage of the recipe the method trains with: fine-tuning's for a method that starts from a trained model,
   * the student's for a multi-task method, the teachers' for a single-task one.
   */
  public Stage stage(Recipe recipe) {
    return startsFrom != null ? recipe.finetune() : multiTask ? recipe.student() : recipe.teacher();
  }

  /** Whether another method needs this one's trained model kept after its run. */
  boolean modelKept() {
    for (StudyMethod m : values()) {
      if (m.startsFrom == this) {
        return true;
      }
    }
    return false;
  }

  /** Whether another method distils from this one, so that it writes predictions on the training examples. */
  boolean teaches() {
    for (StudyMethod m : values()) {
      if (m.teacher == this) {
        return true;
      }
    }
    return false;
  }

  /** The method with this directory name. */
  public static StudyMethod byDirName(String name) {
    for (StudyMethod m : values()) {
      if (m.dirName.equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("no study method " + name);
  }
}
