package io.github.bamjava.eval;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetric;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The majority-class baseline of a classification task: always predict the most frequent label of its training
 * examples. A score means little until it is set beside this one: a model that has learned nothing of a skewed
 * task scores exactly here (MRPC's F1 of always answering "paraphrase" is 81).
 *
 * @param index the label's index (the first in label order on a tie)
 * @param label the label
 * @param trainShare the share of the training examples that carry it
 */
public record MajorityClass(int index, String label, double trainShare) {

  /** The majority class of a classification task's training examples; empty for regression or no examples. */
  public static Optional<MajorityClass> of(Task task) {
    if (!(task.kind() instanceof TaskKind.Classification c) || task.train().isEmpty()) {
      return Optional.empty();
    }
    int[] counts = new int[c.labels().size()];
    task.train().forEach(e -> counts[(int) task.gold(e)]++);
    int index = 0;
    for (int k = 1; k < counts.length; k++) {
      index = counts[k] > counts[index] ? k : index;
    }
    double share = counts[index] / (double) task.train().size();
    return Optional.of(new MajorityClass(index, c.labels().get(index), share));
  }

  /** Every metric of the task for always predicting this class on {@code examples}, in the task's order. */
  public Map<String, Double> score(Task task, List<Example> examples) {
    return constant(task, examples, index);
  }

  /** Every metric of the task for always answering label {@code index} on {@code examples}, in the task's order. */
  static Map<String, Double> constant(Task task, List<Example> examples, int index) {
    checkArgument(!examples.isEmpty(), "task %s has no examples to score a constant answer on", task.name());
    double[] gold = examples.stream().mapToDouble(task::gold).toArray();
    double[] constant = new double[gold.length];
    Arrays.fill(constant, index);
    Map<String, Double> scores = new LinkedHashMap<>();
    for (TaskMetric m : task.metrics()) {
      scores.put(m.name(), m.compute(gold, constant));
    }
    return scores;
  }
}
