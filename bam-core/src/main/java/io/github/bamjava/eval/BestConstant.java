package io.github.bamjava.eval;

import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The best constant answer of a classification task on a set of rows: the label that, always answered, scores
 * best there (by the mean of the task's metrics, the score of a results row). It is picked with the rows' own
 * gold labels, so it is the floor a model has to clear to show that it learned anything from the text. It sits
 * above the {@link MajorityClass majority class} wherever the rows' label shares differ from the training
 * examples': on glue-lite's RTE dev rows the training majority ("not_entailment") is their minority and scores
 * 45.0, while always answering "entailment" scores 55.0.
 */
public final class BestConstant {

  private BestConstant() {}

  /**
   * Every metric of the task for its best constant label on {@code examples}, in the task's order (the first
   * label in label order on a tie); empty for a task that is not a classification.
   *
   * @throws IllegalArgumentException if {@code examples} is empty
   */
  public static Optional<Map<String, Double>> score(Task task, List<Example> examples) {
    if (!(task.kind() instanceof TaskKind.Classification c)) {
      return Optional.empty();
    }
    Map<String, Double> best = null;
    double bestMean = Double.NEGATIVE_INFINITY;
    for (int label = 0; label < c.labels().size(); label++) {
      Map<String, Double> scores = MajorityClass.constant(task, examples, label);
      double mean = scores.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
      if (mean > bestMean) {
        best = scores;
        bestMean = mean;
      }
    }
    return Optional.ofNullable(best);
  }
}
