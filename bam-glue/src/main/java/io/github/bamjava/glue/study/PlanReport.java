package io.github.bamjava.glue.study;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.bamjava.glue.study.AnalysisPlan.Family;
import io.github.bamjava.glue.study.AnalysisPlan.Planned;
import io.github.bamjava.glue.study.significance.Holm;
import io.github.bamjava.glue.study.significance.MannWhitney;
import io.github.bamjava.glue.study.significance.PairedTTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * The {@link AnalysisPlan} computed on one or more studies (the fixed-subset study and the data-draw study each
 * hold some of its families): every planned comparison with its interval over seeds, its paired-t p adjusted in
 * the plan's family and in the stricter families S1 and S2, its Mann-Whitney check, the plan's verdict, and the
 * tasks that carry it.
 */
final class PlanReport {

  private static final double ALPHA = 0.05;

  /** A study the plan is computed on: its report, a name for tables and whether its seeds draw their data. */
  record Source(String name, StudyReport report, boolean perSeedDraws) {}

  /**
   * A planned comparison as the data answer it.
   *
   * @param seeds the seeds both methods finished
   * @param difference mean over seeds of A − B on the average, in [−1, 1]
   * @param low the 95 % interval over seeds (t with n − 1 degrees of freedom), lower end
   * @param carriers tasks without which the interval would include zero (empty when it already does)
   */
  record Row(Family family, Planned planned, String study, List<Long> seeds, double difference, double low,
      double high, double pT, double pMannWhitney, double holmPlan, double holmS1, double holmS2, String verdict,
      List<String> carriers) {}

  private PlanReport() {}

  /** Every planned comparison the studies can answer (both methods at two seeds or more), in the plan's order. */
  static List<Row> rows(List<Source> studies) {
    List<Row> raw = new ArrayList<>();
    for (Family family : AnalysisPlan.FAMILIES) {
      for (Source study : studies) {
        if (study.perSeedDraws() != family.perSeedDraws()) {
          continue;
        }
        List<Row> inFamily = new ArrayList<>();
        for (Planned c : family.comparisons()) {
          List<Long> seeds = study.report().commonSeeds(c.a(), c.b());
          if (seeds.size() >= 2) {
            inFamily.add(measure(family, c, study, seeds));
          }
        }
        double[] holm = Holm.adjust(inFamily.stream().mapToDouble(Row::pT).toArray());
        for (int i = 0; i < inFamily.size(); i++) {
          Row r = inFamily.get(i);
          raw.add(new Row(r.family(), r.planned(), r.study(), r.seeds(), r.difference(), r.low(), r.high(), r.pT(),
              r.pMannWhitney(), holm[i], Double.NaN, Double.NaN, "", r.carriers()));
        }
      }
    }
    List<Integer> tableOne = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      if (AnalysisPlan.inTableOne(raw.get(i).family(), raw.get(i).planned())) {
        tableOne.add(i);
      }
    }
    double[] s1 = Holm.adjust(tableOne.stream().mapToDouble(i -> raw.get(i).pT()).toArray());
    double[] s2 = Holm.adjust(raw.stream().mapToDouble(Row::pT).toArray());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      Row r = raw.get(i);
      int k = tableOne.indexOf(i);
      rows.add(new Row(r.family(), r.planned(), r.study(), r.seeds(), r.difference(), r.low(), r.high(), r.pT(),
          r.pMannWhitney(), r.holmPlan(), k < 0 ? Double.NaN : s1[k], s2[i], verdict(r), r.carriers()));
    }
    return rows;
  }

  private static Row measure(Family family, Planned c, Source study, List<Long> seeds) {
    StudyReport report = study.report();
    double[] a = report.seedScores(c.a(), seeds, null);
    double[] b = report.seedScores(c.b(), seeds, null);
    double[] d = minus(a, b);
    double[] interval = interval(d);
    List<String> carriers = new ArrayList<>();
    boolean excludesZero = interval[0] > 0 || interval[1] < 0;
    List<String> tasks = report.taskNames();
    if (excludesZero && tasks.size() > 1) {
      for (String task : tasks) {
        double[] dt = minus(report.seedScores(c.a(), seeds, task), report.seedScores(c.b(), seeds, task));
        double[] without = new double[d.length];
        for (int i = 0; i < d.length; i++) {
          without[i] = (tasks.size() * d[i] - dt[i]) / (tasks.size() - 1);
        }
        double[] ci = interval(without);
        if (ci[0] <= 0 && ci[1] >= 0) {
          carriers.add(task);
        }
      }
    }
    return new Row(family, c, study.name(), List.copyOf(seeds), mean(d), interval[0], interval[1],
        PairedTTest.test(a, b).pValue(), MannWhitney.test(a, b).pValue(), Double.NaN, Double.NaN, Double.NaN, "",
        carriers);
  }

  /** The plan's verdict (docs/study/plan.md, "Units, scores and tests"). */
  static String verdict(Row r) {
    int sign = r.planned().paperSign();
    boolean shown = r.holmPlan() < ALPHA;
    if (shown && (sign > 0 ? r.low() > 0 : r.high() < 0)) {
      return "holds";
    }
    if (Math.signum(r.difference()) == sign) {
      return "in direction, not shown";
    }
    if (shown && (sign > 0 ? r.high() < 0 : r.low() > 0)) {
      return "opposite shown";
    }
    return "does not hold here";
  }

  /** The plan's section of a report: one row per planned comparison, the stricter families beside. */
  static String markdown(List<Row> rows) {
    StringBuilder md = new StringBuilder("### The analysis plan\n\n")
        .append("The comparisons of docs/study/plan.md, fixed before the confirmatory runs. Primary test: paired")
        .append(" t over seeds on the average, two-sided, Holm within the plan's family; S1 is the paper's")
        .append(" Table 1 and 3 rows as one family, S2 every planned comparison as one. p_MWU: exact")
        .append(" Mann-Whitney over the same seeds, a check, not the decision. Δ and its 95 % interval over seeds")
        .append(" (t, n − 1 degrees of freedom) × 100. Carried by: tasks without which the interval would include")
        .append(" zero.\n\n")
        .append("| family | A − B | study | n | Δ | 95 % interval | p_t | Holm (plan) | Holm (S1) | Holm (S2) |")
        .append(" p_MWU | paper's sign | verdict | carried by |\n")
        .append("|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|:---:|---|---|\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %s − %s | %s | %d | %+.1f | [%+.1f, %+.1f] | %s | %s | %s | %s |"
              + " %s | %s | %s | %s |%n", r.family().id(), r.planned().a().label(), r.planned().b().label(),
          r.study(), r.seeds().size(), 100 * r.difference(), 100 * r.low(), 100 * r.high(), StudyReport.p(r.pT()),
          holm(r.holmPlan()), holm(r.holmS1()), holm(r.holmS2()), StudyReport.p(r.pMannWhitney()),
          r.planned().paperSign() > 0 ? "+" : "−", r.verdict(),
          r.carriers().isEmpty() ? "" : String.join(", ", r.carriers())));
    }
    if (rows.isEmpty()) {
      md.append("| – | no planned comparison has two seeds of both methods yet | | | | | | | | | | | | |\n");
    }
    return md.append('\n').toString();
  }

  /**
   * Which tasks carry each planned comparison: every task's share of Δ (its own difference over the number of
   * tasks, so the shares add up to Δ), and Δ with its 95 % interval when the task that contributes most is left
   * out.
   */
  static String decomposition(List<Row> rows, List<Source> studies) {
    StringBuilder md = new StringBuilder();
    for (Source study : studies) {
      List<Row> own = rows.stream().filter(r -> r.study().equals(study.name())).toList();
      if (own.isEmpty()) {
        continue;
      }
      List<String> tasks = study.report().taskNames();
      md.append("**Which tasks carry each comparison** (").append(study.name()).append("): each task's share")
          .append(" of Δ (its difference / ").append(tasks.size()).append("; the shares add up to Δ), × 100, and")
          .append(" Δ with its 95 % interval over seeds without the task that contributes most.\n\n| A − B |");
      tasks.forEach(t -> md.append(' ').append(t).append(" |"));
      md.append(" Δ | without the largest share |\n|---|").append("---:|".repeat(tasks.size() + 1))
          .append("---|\n");
      for (Row r : own) {
        md.append("| ").append(r.planned().a().label()).append(" − ").append(r.planned().b().label()).append(" |");
        int largest = 0;
        double[][] byTask = new double[tasks.size()][];
        for (int t = 0; t < tasks.size(); t++) {
          byTask[t] = minus(study.report().seedScores(r.planned().a(), r.seeds(), tasks.get(t)),
              study.report().seedScores(r.planned().b(), r.seeds(), tasks.get(t)));
          double share = mean(byTask[t]) / tasks.size();
          md.append(String.format(Locale.ROOT, " %+.2f |", 100 * share));
          largest = Math.abs(share) > Math.abs(mean(byTask[largest]) / tasks.size()) ? t : largest;
        }
        double[] without = new double[r.seeds().size()];
        for (int i = 0; i < without.length; i++) {
          double sum = 0;
          for (int t = 0; t < tasks.size(); t++) {
            sum += t == largest ? 0 : byTask[t][i];
          }
          without[i] = sum / (tasks.size() - 1);
        }
        double[] ci = interval(without);
        md.append(String.format(Locale.ROOT, " %+.2f | %s: %+.1f [%+.1f, %+.1f] |%n", 100 * r.difference(),
            tasks.get(largest), 100 * mean(without), 100 * ci[0], 100 * ci[1]));
      }
      md.append('\n');
    }
    return md.toString();
  }

  /** The rows as JSON, for results.json. */
  static JsonArray json(List<Row> rows) {
    JsonArray out = new JsonArray();
    for (Row r : rows) {
      JsonObject o = new JsonObject();
      o.addProperty("family", r.family().id());
      o.addProperty("a", r.planned().a().dirName());
      o.addProperty("b", r.planned().b().dirName());
      o.addProperty("study", r.study());
      JsonArray seeds = new JsonArray();
      r.seeds().forEach(seeds::add);
      o.add("seeds", seeds);
      o.addProperty("difference", r.difference());
      o.addProperty("ci_low", r.low());
      o.addProperty("ci_high", r.high());
      o.addProperty("p_t", r.pT());
      o.addProperty("p_t_holm_plan", r.holmPlan());
      if (!Double.isNaN(r.holmS1())) {
        o.addProperty("p_t_holm_s1", r.holmS1());
      }
      o.addProperty("p_t_holm_s2", r.holmS2());
      o.addProperty("p_mwu", r.pMannWhitney());
      o.addProperty("paper_sign", r.planned().paperSign());
      o.addProperty("verdict", r.verdict());
      JsonArray carriers = new JsonArray();
      r.carriers().forEach(carriers::add);
      o.add("carried_by", carriers);
      out.add(o);
    }
    return out;
  }

  private static String holm(double p) {
    return Double.isNaN(p) ? "–" : StudyReport.p(p) + (p < ALPHA ? "*" : "");
  }

  /** The 95 % interval of the mean of {@code d} over seeds; the mean itself twice when every value is equal. */
  static double[] interval(double[] d) {
    double mean = mean(d);
    double sd = new StandardDeviation(true).evaluate(d);
    double half = new TDistribution(d.length - 1).inverseCumulativeProbability(0.975) * sd / Math.sqrt(d.length);
    return new double[] {mean - half, mean + half};
  }

  private static double[] minus(double[] a, double[] b) {
    double[] d = new double[a.length];
    Arrays.setAll(d, i -> a[i] - b[i]);
    return d;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }
}
