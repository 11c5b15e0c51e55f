package io.github.bamjava.pipeline;

import io.github.bamjava.distill.LossFunction;
import io.github.bamjava.distill.TeacherAnnealingSchedule;
import io.github.bamjava.optim.RunSchedule;
import io.github.bamjava.sampling.TaskSampler;

/**
 * The stable names of the library's pluggable strategies: what a task file's {@code settings}, the
 * {@code --sampler}, {@code --annealing}, {@code --loss} and {@code --schedule} options and a {@link Recipe}'s
 * JSON write. Adding a strategy to a family here makes it nameable everywhere at once.
 *
 * <table>
 *   <caption>Names</caption>
 *   <tr><th>kind</th><th>names</th><th>default</th></tr>
 *   <tr><td>sampler</td><td>{@code uniform}, {@code proportional}, {@code size-exponent:<e>} (task t drawn
 *       ∝ |D_t|^e)</td><td>{@code size-exponent:0.75}</td></tr>
 *   <tr><td>annealing</td><td>{@code linear} (λ = progress), {@code constant:<λ>}</td><td>{@code linear}</td></tr>
 *   <tr><td>loss</td><td>{@code cross-entropy} (to the soft target; squared error for regression)</td>
 *       <td>{@code cross-entropy}</td></tr>
 *   <tr><td>schedule</td><td>{@code warmup-linear:<fraction>} (linear warm-up over the fraction, then linear
 *       decay to 0), {@code constant}</td><td>{@code warmup-linear:0.1}</td></tr>
 * </table>
 */
public final class Strategies {

  private Strategies() {}

  /** How often each task is drawn. */
  public static final StrategyNames<TaskSampler> SAMPLER = StrategyNames.of("sampler", TaskSampler::describe)
      .fixed("uniform", TaskSampler.uniform())
      .fixed("proportional", TaskSampler.proportional())
      .family("size-exponent", "exponent", TaskSampler::sizeExponent, "size\\^(.+)");

  /** How λ, the gold label's weight in the target, moves over training. */
  public static final StrategyNames<TeacherAnnealingSchedule> ANNEALING =
      StrategyNames.of("annealing", TeacherAnnealingSchedule::describe)
          .fixed("linear", TeacherAnnealingSchedule.linear())
          .family("constant", "lambda", TeacherAnnealingSchedule::constant, "constant (.+)");

  /** The per-example loss against the annealed target. */
  public static final StrategyNames<LossFunction> LOSS = StrategyNames.of("loss", LossFunction::describe)
      .fixed("cross-entropy", LossFunction.paper());

  /** The learning rate over a run. */
  public static final StrategyNames<RunSchedule> SCHEDULE = StrategyNames.of("schedule", RunSchedule::describe)
      .family("warmup-linear", "warmup fraction", RunSchedule::warmupLinearDecay, "warmup (.+), linear decay")
      .fixed("constant", RunSchedule.constant());
}
