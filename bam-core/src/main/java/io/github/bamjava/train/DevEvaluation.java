package io.github.bamjava.train;

import ai.djl.ndarray.NDManager;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.internal.sampling.ExampleRef;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.predict.BatchPredictor;
import io.github.bamjava.task.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The end of an epoch: every task with dev examples scored by the current model, and how many training examples
 * of each task the epoch drew. Its result is what {@link RunListener#onEpochEnd} receives.
 */
final class DevEvaluation {

  private final BamModel model;
  private final List<Task> tasks;
  private final int maxLength;
  private final NDManager manager;

  DevEvaluation(BamModel model, List<Task> tasks, int maxLength, NDManager manager) {
    this.model = model;
    this.tasks = tasks;
    this.maxLength = maxLength;
    this.manager = manager;
  }

  EpochResult endEpoch(int epoch, long step, List<List<ExampleRef>> plan) {
    Map<String, Map<String, Double>> dev = new LinkedHashMap<>();
    BatchPredictor predictor = new BatchPredictor(model.network(), model.tokenizer(), maxLength,
        BatchPredictor.DEFAULT_BATCH_SIZE).duringTraining();
    for (Task task : tasks) {
      if (!task.dev().isEmpty()) {
        float[][] outputs = predictor.predict(manager, task.name(), task.kind(), task.dev());
        dev.put(task.name(), Evaluation.score(task, task.dev(), outputs));
      }
    }
    int[] counts = new int[tasks.size()];
    plan.forEach(batch -> batch.forEach(ref -> counts[ref.task()]++));
    Map<String, Integer> taskCounts = new LinkedHashMap<>();
    for (int t = 0; t < counts.length; t++) {
      taskCounts.put(tasks.get(t).name(), counts[t]);
    }
    return new EpochResult(epoch, step, dev, taskCounts);
  }
}
