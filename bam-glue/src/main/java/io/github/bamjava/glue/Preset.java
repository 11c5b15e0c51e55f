package io.github.bamjava.glue;

import static java.util.Objects.requireNonNull;

import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.task.TrainCap;

/**
 * A {@link GlueBam} run's settings on GLUE: the hyper-parameters of every stage (a {@link Recipe}) and how many
 * training examples each GLUE task keeps (a {@link TrainBudget}).
 *
 * <p>Two presets are provided:
 *
 * <ul>
 *   <li>{@link #PAPER}: {@link Recipe#PAPER}, every training example.
 *   <li>{@link #LEARNING}: {@link Recipe#LEARNING}, where a small encoder (MiniLM) on a few CPU cores clearly
 *       learns every task but RTE and WNLI (see docs/results.md). Budgets are set in tokens as much as examples,
 *       since a step costs what its real tokens cost: CoLA keeps all of its short sentences (it learns nothing with
 *       fewer), SST-2 7,000 short phrases, every other task 2,000 pairs, drawn at random with seed 13 (the same
 *       ones for teachers and student) — about 100k tokens a task.
 * </ul>
 *
 * @param recipe the hyper-parameters of teachers, student and fine-tuning
 * @param trainBudget how many training examples each task keeps
 */
public record Preset(Recipe recipe, TrainBudget trainBudget) {

  /** The seed of every preset's random choice of kept training examples. */
  public static final long CAP_SEED = 13;

  /** The BAM paper's settings (Clark et al. 2019, section 4 and appendix) on every training example. */
  public static final Preset PAPER = new Preset(Recipe.PAPER, TrainBudget.of(TrainCap.all()));

  /** A small encoder (MiniLM) on a few CPU cores, where it learns; see the class comment for the budgets. */
  public static final Preset LEARNING = new Preset(Recipe.LEARNING,
      TrainBudget.of(TrainCap.random(2000, CAP_SEED))
          .with(GlueTask.COLA, TrainCap.all())
          .with(GlueTask.SST2, TrainCap.random(7000, CAP_SEED)));

  /** Checks that both parts are there. */
  public Preset {
    requireNonNull(recipe, "recipe");
    requireNonNull(trainBudget, "trainBudget");
  }

  /** The recipe's name, shown in logs and results. */
  public String name() {
    return recipe.name();
  }

  /** The preset with one training cap for every task (for example {@code TrainCap.first(500)}). */
  public Preset withTrainCap(TrainCap cap) {
    return new Preset(recipe, TrainBudget.of(cap));
  }

  /** The preset with another recipe (say {@code preset.recipe().withMaxLength(64)}) and the same budget. */
  public Preset withRecipe(Recipe other) {
    return new Preset(other, trainBudget);
  }
}
