package io.github.bamjava.glue.study;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.task.TaskKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;

/**
 * The floors of a study's tasks: what answers that see no text score on the study's dev rows. A model has
 * learned a task only where it clears the task's floor, and a skewed dev set moves the floor far from chance
 * (glue-lite's RTE dev rows are 55 % "entailment", the minority of its training rows).
 *
 * <p>Three baselines, as the study's analysis plan defines them (docs/study/plan.md):
 * <ul>
 *   <li>training majority: always the most frequent label of the task's training examples (in a study whose
 *       seeds draw their own training examples, the mean over the seeds' draws);
 *   <li>best constant: the label that, always answered, scores best on the dev rows in the task's own score;
 *   <li>label prior: answering at random with the training label frequencies; its expected score, estimated
 *       from {@value #PRIOR_DRAWS} seeded draws (any metric, without a closed form per metric).
 * </ul>
 * The floor is the largest of them. A regression task's floor is 0: a constant has no correlation.
 */
final class Floors {

  /** Draws of random answers behind the label prior's expected score; its standard error is below 0.1 point. */
  static final int PRIOR_DRAWS = 1000;

  /**
   * One task's baselines, scores in [0, 1] (NaN where study.json does not record the training labels).
   *
   * @param trainingMajority the training majority label's score
   * @param bestConstant the best constant label's score
   * @param labelPrior the expected score of answering by the training label frequencies
   */
  record TaskFloor(double trainingMajority, double bestConstant, double labelPrior) {
    /** The largest baseline, NaN ones left out. */
    double floor() {
      double max = bestConstant;
      for (double v : new double[] {trainingMajority, labelPrior}) {
        max = Double.isNaN(v) ? max : Math.max(max, v);
      }
      return max;
    }
  }

  private final Map<String, TaskFloor> byTask;

  private Floors(Map<String, TaskFloor> byTask) {
    this.byTask = byTask;
  }

  /**
   * The floors of {@code tasks}.
   *
   * @param studyTasks study.json's {@code tasks} object (majority classes and training label shares)
   * @param dev any finished job's dev predictions of each task: only their gold labels are read
   * @param score a task's score for answers on its dev rows
   */
  static Floors of(List<String> tasks, JsonObject studyTasks, Map<String, DevPredictions> dev,
      BiFunction<String, DevPredictions, Double> score) {
    Map<String, TaskFloor> floors = new LinkedHashMap<>();
    for (String task : tasks) {
      DevPredictions rows = dev.get(task);
      if (rows == null) {
        continue;
      }
      if (GlueTask.byName(task).kind() instanceof TaskKind.Classification c) {
        int labels = c.labels().size();
        double best = 0;
        for (int label = 0; label < labels; label++) {
          best = Math.max(best, score.apply(task, constant(rows, label)));
        }
        List<JsonObject> draws = trainingDraws(studyTasks.getAsJsonObject(task));
        double majority = Double.NaN;
        double prior = Double.NaN;
        if (!draws.isEmpty()) {
          majority = 0;
          prior = 0;
          for (JsonObject draw : draws) {
            majority += score.apply(task, constant(rows, draw.get("index").getAsInt())) / draws.size();
            prior += labelPrior(task, rows, shares(draw, labels), score) / draws.size();
          }
          if (draws.stream().anyMatch(d -> !d.has(Study.TRAIN_SHARES))) {
            prior = Double.NaN;
          }
        }
        floors.put(task, new TaskFloor(majority, best, prior));
      } else {
        floors.put(task, new TaskFloor(0, 0, 0));
      }
    }
    return new Floors(floors);
  }

  /** A task's baselines; null when no job of the task has finished. */
  TaskFloor of(String task) {
    return byTask.get(task);
  }

  /** The mean over {@code tasks} of a baseline (e.g. {@link TaskFloor#floor}); NaN when one is unknown. */
  double average(List<String> tasks, ToDoubleFunction<TaskFloor> baseline) {
    double sum = 0;
    for (String task : tasks) {
      TaskFloor f = byTask.get(task);
      sum += f == null ? Double.NaN : baseline.applyAsDouble(f);
    }
    return sum / tasks.size();
  }

  /** The majority-class records of a task: one per seed's draw, or the study's one; empty when none recorded. */
  private static List<JsonObject> trainingDraws(JsonObject task) {
    List<JsonObject> draws = new ArrayList<>();
    if (task == null) {
      return draws;
    }
    if (task.get(Study.MAJORITY_BY_SEED) instanceof JsonObject bySeed) {
      bySeed.entrySet().forEach(e -> draws.add(e.getValue().getAsJsonObject()));
    } else if (task.get(Study.MAJORITY) instanceof JsonObject one) {
      draws.add(one);
    }
    return draws;
  }

  private static double[] shares(JsonObject draw, int labels) {
    double[] shares = new double[labels];
    if (draw.get(Study.TRAIN_SHARES) instanceof JsonArray list && list.size() == labels) {
      for (int k = 0; k < labels; k++) {
        JsonElement v = list.get(k);
        shares[k] = v.getAsDouble();
      }
    }
    return shares;
  }

  private static double labelPrior(String task, DevPredictions rows, double[] shares,
      BiFunction<String, DevPredictions, Double> score) {
    if (Arrays.stream(shares).sum() <= 0) {
      return Double.NaN;
    }
    Random random = new Random(13);
    double sum = 0;
    double[] answers = new double[rows.size()];
    for (int d = 0; d < PRIOR_DRAWS; d++) {
      for (int i = 0; i < answers.length; i++) {
        answers[i] = drawLabel(shares, random.nextDouble());
      }
      sum += score.apply(task, new DevPredictions(rows.ids(), rows.gold(), answers));
    }
    return sum / PRIOR_DRAWS;
  }

  /** The label whose share of the cumulative distribution holds {@code u} in [0, 1); the last on rounding. */
  private static int drawLabel(double[] shares, double u) {
    double cumulative = 0;
    for (int label = 0; label < shares.length - 1; label++) {
      cumulative += shares[label];
      if (u < cumulative) {
        return label;
      }
    }
    return shares.length - 1;
  }

  private static DevPredictions constant(DevPredictions rows, int label) {
    double[] answers = new double[rows.size()];
    Arrays.fill(answers, label);
    return new DevPredictions(rows.ids(), rows.gold(), answers);
  }
}
