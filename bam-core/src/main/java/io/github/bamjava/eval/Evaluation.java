package io.github.bamjava.eval;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a head's outputs into predictions and scores them with the task's metrics. */
public final class Evaluation {
  private Evaluation() {}

  /**
   * The prediction of one output row: the arg-max label index, or the regression value on its own scale, clamped
   * to the label range. A linear regression head can answer outside the range; GLUE's submission files clamp
   * STS-B to [0, 5], and scoring the same values keeps the dev scores those of the answers a user gets.
   */
  public static double prediction(TaskKind kind, float[] output) {
    if (kind instanceof TaskKind.Regression r) {
      return Math.max(r.min(), Math.min(r.max(), r.unscale(output[0])));
    }
    int best = 0;
    for (int j = 1; j < output.length; j++) {
      if (output[j] > output[best]) {
        best = j;
      }
    }
    return best;
  }

  /** Every metric of the task on these examples, by metric name, in the task's order. */
  public static Map<String, Double> score(Task task, List<Example> examples, float[][] outputs) {
    checkArgument(outputs.length == examples.size(), "%s outputs for %s examples", outputs.length,
        examples.size());
    checkArgument(!examples.isEmpty(), "task %s has no examples to evaluate", task.name());
    double[] gold = new double[examples.size()];
    double[] predicted = new double[examples.size()];
    for (int i = 0; i < gold.length; i++) {
      gold[i] = task.gold(examples.get(i));
      predicted[i] = prediction(task.kind(), outputs[i]);
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    for (TaskMetric m : task.metrics()) {
      scores.put(m.name(), m.compute(gold, predicted));
    }
    return scores;
  }

  /** A task's single score: the mean of its metrics (as GLUE averages F1 and accuracy, Pearson and Spearman). */
  public static double mean(Map<String, Double> scores) {
    return scores.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
