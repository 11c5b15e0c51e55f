package io.github.bamjava.glue.study;

import com.google.gson.JsonObject;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.glue.study.Floors.TaskFloor;
import io.github.bamjava.glue.study.significance.Holm;
import io.github.bamjava.task.TaskMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * Whether each method clears each task's {@link Floors floor}, as the analysis plan tests it: over seeds, the
 * one-sided one-sample t-test of (score − floor), Holm over the tasks of the method; per seed, for a task scored
 * by accuracy alone, the exact one-sided binomial test of its correct answers against the floor (secondary).
 */
final class FloorReport {

  private static final double ALPHA = 0.05;

  private final StudyReport report;
  private final Floors floors;

  FloorReport(StudyReport report, Floors floors) {
    this.report = report;
    this.floors = floors;
  }

  /**
   * The Holm-adjusted one-sided p of "method m's score on each task is above its floor", by task; NaN for a task
   * with fewer than two seeds or no floor.
   */
  Map<String, Double> clearing(StudyMethod m) {
    List<String> tasks = report.taskNames();
    List<String> tested = new ArrayList<>();
    List<Double> raw = new ArrayList<>();
    for (String task : tasks) {
      double[] s = report.seedScores(m, task);
      TaskFloor f = floors.of(task);
      if (s.length >= 2 && f != null) {
        tested.add(task);
        raw.add(oneSidedAbove(s, f.floor()));
      }
    }
    double[] holm = Holm.adjust(raw.stream().mapToDouble(Double::doubleValue).toArray());
    Map<String, Double> out = new LinkedHashMap<>();
    tasks.forEach(t -> out.put(t, Double.NaN));
    for (int i = 0; i < tested.size(); i++) {
      out.put(tested.get(i), holm[i]);
    }
    return out;
  }

  /** Whether a cleared-floor test failed: at least two seeds and a Holm p of 0.05 or more. */
  static boolean notCleared(double holmP) {
    return !Double.isNaN(holmP) && holmP >= ALPHA;
  }

  /** The one-sided p of "the mean of {@code scores} is above {@code floor}" by the one-sample t-test. */
  static double oneSidedAbove(double[] scores, double floor) {
    double mean = 0;
    for (double v : scores) {
      mean += v / scores.length;
    }
    double sd = new StandardDeviation(true).evaluate(scores);
    if (sd == 0) {
      return mean > floor ? 0 : 1;
    }
    double t = (mean - floor) / (sd / Math.sqrt(scores.length));
    return 1 - new TDistribution(scores.length - 1).cumulativeProbability(t);
  }

  /** The floors section of the report: the baselines, then each method's margin over the floor. */
  String markdown() {
    List<String> tasks = report.taskNames();
    StringBuilder md = new StringBuilder("### Floors\n\n")
        .append("What answers that see no text score on the study's dev rows (docs/study/plan.md): the training")
        .append(" majority label (in a study whose seeds draw their own training examples, the mean over the")
        .append(" draws); the best constant label on the dev rows; the label prior, answering at random with the")
        .append(" training label frequencies (mean of ").append(Floors.PRIOR_DRAWS).append(" seeded draws). The")
        .append(" floor is the largest. Regression and Matthews correlation: 0 for any constant.\n\n");
    header(md, "baseline");
    row(md, "Training majority", TaskFloor::trainingMajority);
    row(md, "Best constant (dev)", TaskFloor::bestConstant);
    row(md, "Label prior", TaskFloor::labelPrior);
    row(md, "**Floor**", TaskFloor::floor);
    md.append("\n**Clearing the floor.** Mean over seeds of score − floor, × 100, with the one-sided one-sample")
        .append(" t-test over seeds, Holm over the method's tasks. `†`: not shown to clear the floor (Holm p ≥")
        .append(" 0.05, at least two seeds); the tables above carry the same mark.\n\n");
    md.append("| Method | n |");
    tasks.forEach(t -> md.append(' ').append(t).append(" |"));
    md.append("\n|---|---:|").append("---:|".repeat(tasks.size())).append('\n');
    for (StudyMethod m : report.methods()) {
      Map<String, Double> p = clearing(m);
      md.append("| ").append(m.label()).append(" | ").append(report.seedScores(m, tasks.get(0)).length)
          .append(" |");
      for (String task : tasks) {
        double[] s = report.seedScores(m, task);
        double margin = 0;
        for (double v : s) {
          margin += v / s.length;
        }
        margin -= floors.of(task).floor();
        double holm = p.get(task);
        md.append(String.format(Locale.ROOT, " %+.1f%s%s |", 100 * margin,
            Double.isNaN(holm) ? "" : " (" + StudyReport.p(holm) + ")", notCleared(holm) ? " †" : ""));
      }
      md.append('\n');
    }
    md.append(binomial());
    return md.append('\n').toString();
  }

  /**
   * The secondary per-seed test of the teachers (Single) on tasks scored by accuracy alone: the exact one-sided
   * binomial p of at least that many correct answers if each were right with the floor's probability.
   */
  private String binomial() {
    List<String> accuracyTasks = report.taskNames().stream()
        .filter(t -> GlueTask.byName(t).metrics().equals(List.of(TaskMetrics.ACCURACY))).toList();
    if (!report.methods().contains(StudyMethod.SINGLE) || accuracyTasks.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder("\n**Teachers against the floor, seed by seed** (secondary: exact")
        .append(" one-sided binomial p of the teacher's correct dev answers against the floor's accuracy).\n\n")
        .append("| seed |");
    accuracyTasks.forEach(t -> md.append(' ').append(t).append(" |"));
    md.append("\n|---:|").append("---:|".repeat(accuracyTasks.size())).append('\n');
    List<Long> seeds = report.seedsOf(StudyMethod.SINGLE);
    for (int i = 0; i < seeds.size(); i++) {
      md.append("| ").append(seeds.get(i)).append(" |");
      for (String task : accuracyTasks) {
        int n = report.devSize(task);
        double accuracy = report.seedScores(StudyMethod.SINGLE, task)[i];
        int correct = (int) Math.round(accuracy * n);
        double floor = floors.of(task).floor();
        double p = correct == 0 ? 1 : 1 - new BinomialDistribution(n, floor).cumulativeProbability(correct - 1);
        md.append(String.format(Locale.ROOT, " %.1f (p %s) |", 100 * accuracy, StudyReport.p(p)));
      }
      md.append('\n');
    }
    return md.toString();
  }

  /** A baseline of one task, or its mean over the tasks for a null task; NaN when unknown. */
  double baseline(String task, ToDoubleFunction<TaskFloor> which) {
    if (task == null) {
      return floors.average(report.taskNames(), which);
    }
    TaskFloor f = floors.of(task);
    return f == null ? Double.NaN : which.applyAsDouble(f);
  }

  /** The floors as JSON: every baseline by task, and the average. */
  JsonObject json() {
    JsonObject out = new JsonObject();
    for (String task : report.taskNames()) {
      TaskFloor f = floors.of(task);
      if (f == null) {
        continue;
      }
      JsonObject o = new JsonObject();
      o.addProperty("training_majority", f.trainingMajority());
      o.addProperty("best_constant", f.bestConstant());
      o.addProperty("label_prior", f.labelPrior());
      o.addProperty("floor", f.floor());
      out.add(task, o);
    }
    out.addProperty("average_floor", floors.average(report.taskNames(), TaskFloor::floor));
    return out;
  }

  private void header(StringBuilder md, String first) {
    List<String> tasks = report.taskNames();
    md.append("| ").append(first).append(" |");
    tasks.forEach(t -> md.append(' ').append(t).append(" |"));
    md.append(" **").append(report.shortAverageLabel()).append("** |\n|---|")
        .append("---:|".repeat(tasks.size() + 1)).append('\n');
  }

  private void row(StringBuilder md, String name, ToDoubleFunction<TaskFloor> baseline) {
    md.append("| ").append(name).append(" |");
    for (String task : report.taskNames()) {
      TaskFloor f = floors.of(task);
      double v = f == null ? Double.NaN : baseline.applyAsDouble(f);
      md.append(Double.isNaN(v) ? " ? |" : String.format(Locale.ROOT, " %.1f |", 100 * v));
    }
    double avg = floors.average(report.taskNames(), baseline);
    md.append(Double.isNaN(avg) ? " **?** |" : String.format(Locale.ROOT, " **%.1f** |", 100 * avg)).append('\n');
  }
}
