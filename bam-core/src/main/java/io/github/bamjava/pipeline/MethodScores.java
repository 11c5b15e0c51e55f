package io.github.bamjava.pipeline;

import io.github.bamjava.eval.BestConstant;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.eval.MajorityClass;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The dev scores of a pipeline run's methods: the baselines that see no text (the majority class, the best
 * constant), and each method's final models.
 */
final class MethodScores {

  private final List<PipelineTask> entries;
  private final int maxLength;

  /**
   * @param entries the run's tasks, in the order of the results' rows
   * @param maxLength the longest tokenized input
   */
  MethodScores(List<PipelineTask> entries, int maxLength) {
    this.entries = List.copyOf(entries);
    this.maxLength = maxLength;
  }

  /** Dev scores of every task and its other sets, each by the model {@code models} names for it. */
  DevScores of(FinalModels models) throws IOException {
    Map<String, PipelineTask> byName = new LinkedHashMap<>();
    entries.forEach(e -> byName.put(e.name(), e));
    Map<String, List<Map.Entry<String, Map<String, Double>>>> rows = new LinkedHashMap<>();
    models.forEachModel(List.copyOf(byName.keySet()), (model, names) -> {
      for (String name : names) {
        PipelineTask e = byName.get(name);
        Task task = e.task();
        List<Map.Entry<String, Map<String, Double>>> taskRows = new ArrayList<>();
        float[][] outputs = model.predict(task.name(), task.dev(), maxLength);
        taskRows.add(Map.entry(e.devName(), Evaluation.score(task, task.dev(), outputs)));
        for (Map.Entry<String, List<Example>> other : e.otherDev().entrySet()) {
          float[][] otherOutputs = model.predict(task.name(), other.getValue(), maxLength);
          taskRows.add(Map.entry(other.getKey(), Evaluation.score(task, other.getValue(), otherOutputs)));
        }
        rows.put(name, taskRows);
      }
    });
    // Rows in task order, whatever order the models were loaded in.
    DevScores.Builder score = DevScores.builder();
    for (PipelineTask e : entries) {
      for (Map.Entry<String, Map<String, Double>> row : rows.get(e.name())) {
        score.add(row.getKey(), e.scoreGroup(), row.getValue());
      }
    }
    return score.build();
  }

  /** The dev scores of always predicting each task's majority class; see {@link BamPipeline#MAJORITY}. */
  DevScores majority() {
    return baseline((task, dev) -> MajorityClass.of(task).map(m -> m.score(task, dev)));
  }

  /** The dev scores of each dev set's best constant label; see {@link BamPipeline#BEST_CONSTANT}. */
  DevScores bestConstant() {
    return baseline(BestConstant::score);
  }

  /**
   * The dev scores of a constant answer on every dev set. A constant prediction's correlation is undefined: a
   * task without a constant label (regression) scores 0.
   */
  private DevScores baseline(BiFunction<Task, List<Example>, Optional<Map<String, Double>>> constant) {
    DevScores.Builder score = DevScores.builder();
    for (PipelineTask e : entries) {
      Task task = e.task();
      score.add(e.devName(), e.scoreGroup(), orZero(task, constant.apply(task, task.dev())));
      e.otherDev().forEach((set, dev) -> score.add(set, e.scoreGroup(), orZero(task, constant.apply(task, dev))));
    }
    return score.build();
  }

  private static Map<String, Double> orZero(Task task, Optional<Map<String, Double>> scores) {
    if (scores.isPresent()) {
      return scores.get();
    }
    Map<String, Double> zero = new LinkedHashMap<>();
    task.metrics().forEach(m -> zero.put(m.name(), 0.0));
    return zero;
  }
}
