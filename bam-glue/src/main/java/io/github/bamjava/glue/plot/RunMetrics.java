package io.github.bamjava.glue.plot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run's {@code metrics.jsonl} says, after duplicates from resumed runs are resolved: one record per step
 * and one per epoch, each the last one written, in step or epoch order.
 *
 * @param tasks task names: those of the start record, then any others the step and epoch records mention
 * @param taskProbabilities the sampler's probability of each task; empty when the log has no start record
 * @param totalSteps optimizer steps of the whole run; 0 when the log has no start record
 * @param steps one record per step, in ascending step order
 * @param epochs one record per epoch, in ascending epoch order
 */
record RunMetrics(
    List<String> tasks, Map<String, Double> taskProbabilities, long totalSteps, List<Step> steps,
    List<Epoch> epochs) {

  public RunMetrics {
    tasks = List.copyOf(tasks);
    taskProbabilities = ordered(taskProbabilities);
    steps = List.copyOf(steps);
    epochs = List.copyOf(epochs);
  }

  /**
   * One optimizer step.
   *
   * @param step steps done, counting this one (1-based)
   * @param epoch the epoch (0-based)
   * @param loss the minimised loss
   * @param taskLoss each task's mean loss in this batch; tasks absent from the batch are absent here
   * @param lambda the teacher-annealing weight of the gold label
   * @param lr the peak learning rate
   * @param gradNorm the global gradient norm before clipping
   * @param examples examples in the batch
   * @param tokens real tokens in the batch
   * @param examplesPerSecond throughput since the run (or resume) started
   */
  public record Step(
      long step, int epoch, double loss, Map<String, Double> taskLoss, double lambda, double lr,
      double gradNorm, int examples, long tokens, double examplesPerSecond) {
    public Step {
      taskLoss = ordered(taskLoss);
    }
  }

  /**
   * One end-of-epoch evaluation.
   *
   * @param epoch the epoch (0-based)
   * @param step steps done at the end of the epoch
   * @param dev per task, its dev metrics by name
   * @param taskCounts per task, training examples drawn in this epoch
   */
  public record Epoch(int epoch, long step, Map<String, Map<String, Double>> dev, Map<String, Long> taskCounts) {
    public Epoch {
      Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
      dev.forEach((task, metrics) -> copy.put(task, ordered(metrics)));
      dev = Collections.unmodifiableMap(copy);
      taskCounts = ordered(taskCounts);
    }
  }

  // Map.copyOf would lose the task order, which the charts use for colours and legends.
  private static <V> Map<String, V> ordered(Map<String, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
