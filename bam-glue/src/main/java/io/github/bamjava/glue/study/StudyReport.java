package io.github.bamjava.glue.study;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.glue.plot.BarChart;
import io.github.bamjava.eval.significance.MannWhitney;
import io.github.bamjava.eval.significance.PairedBootstrap;
import io.github.bamjava.glue.AtomicFiles;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.task.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * The report of a {@link Study}: the paper's tables at the study's scale, each method as mean ± standard
 * deviation over seeds, every comparison with a paired bootstrap p-value (on the dev predictions, resampling
 * the examples of every task) and a Mann-Whitney U p-value (over the seeds' scores), and SVG plots.
 *
 * <p>A task's score is the mean of its GLUE metrics (MRPC: F1 and accuracy; STS-B: Pearson and Spearman); the
 * average is the mean over the study's tasks. Only jobs that finished are read, so a report of a study in
 * progress covers the seeds done so far (a method appears once every task of one seed is done).
 */
public final class StudyReport {

  /** Each method and the method it is compared with, as the paper compares them. */
  static final Map<StudyMethod, StudyMethod> REFERENCE = new EnumMap<>(Map.ofEntries(
      Map.entry(StudyMethod.MULTI, StudyMethod.SINGLE),
      Map.entry(StudyMethod.SINGLE_SINGLE, StudyMethod.SINGLE),
      Map.entry(StudyMethod.MULTI_MULTI, StudyMethod.MULTI),
      Map.entry(StudyMethod.BAM, StudyMethod.MULTI),
      Map.entry(StudyMethod.NO_LAYERWISE_LR, StudyMethod.BAM),
      Map.entry(StudyMethod.NO_TASK_SAMPLING, StudyMethod.BAM),
      Map.entry(StudyMethod.LAMBDA_ZERO, StudyMethod.BAM),
      Map.entry(StudyMethod.LAMBDA_HALF, StudyMethod.BAM),
      Map.entry(StudyMethod.BAM_BUCKETED, StudyMethod.BAM),
      Map.entry(StudyMethod.MULTI_FINETUNED, StudyMethod.MULTI),
      Map.entry(StudyMethod.BAM_FINETUNED, StudyMethod.BAM)));

  static final List<StudyMethod> MAIN = List.of(StudyMethod.SINGLE, StudyMethod.MULTI, StudyMethod.SINGLE_SINGLE,
      StudyMethod.MULTI_MULTI, StudyMethod.BAM);
  static final List<StudyMethod> ABLATIONS = List.of(StudyMethod.BAM, StudyMethod.NO_LAYERWISE_LR,
      StudyMethod.NO_TASK_SAMPLING, StudyMethod.LAMBDA_ZERO, StudyMethod.LAMBDA_HALF);
  static final List<StudyMethod> FINETUNING = List.of(StudyMethod.MULTI, StudyMethod.MULTI_FINETUNED,
      StudyMethod.BAM, StudyMethod.BAM_FINETUNED);
  static final List<StudyMethod> BUCKETING = List.of(StudyMethod.BAM, StudyMethod.BAM_BUCKETED);

  private static final double ALPHA = 0.05;

  private final List<String> tasks;
  /** Dev predictions by method, seed and task; only complete seeds (every task done). */
  private final Map<StudyMethod, TreeMap<Long, Map<String, DevPredictions>>> runs;
  private final Map<StudyMethod, Double> seconds;
  private final int resamples;
  /** Each comparison is a bootstrap of thousands of rescorings; the tables and the p-value list share them. */
  private final Map<List<Object>, Comparison> comparisons = new HashMap<>();

  StudyReport(List<String> tasks, Map<StudyMethod, TreeMap<Long, Map<String, DevPredictions>>> runs,
      Map<StudyMethod, Double> seconds, int resamples) {
    this.tasks = List.copyOf(tasks);
    this.runs = runs;
    this.seconds = seconds;
    this.resamples = resamples;
  }

  /**
   * Reads the study in {@code dir} and writes {@code report/results.md}, {@code report/results.json} and the
   * plots in {@code report/img/}; returns the Markdown file.
   */
  public static Path write(Path dir, int resamples) throws IOException {
    StudyReport report = read(dir, resamples);
    Path out = dir.resolve("report");
    AtomicFiles.writeString(out.resolve("results.md"), report.markdown());
    AtomicFiles.writeString(out.resolve("results.json"),
        new GsonBuilder().setPrettyPrinting().create().toJson(report.json()) + "\n");
    for (Map.Entry<String, String> plot : report.plots().entrySet()) {
      AtomicFiles.writeString(out.resolve("img").resolve(plot.getKey()), plot.getValue());
    }
    return out.resolve("results.md");
  }

  /** Reads every finished job of the study in {@code dir}. */
  static StudyReport read(Path dir, int resamples) throws IOException {
    Path studyJson = dir.resolve("study.json");
    checkArgument(Files.isRegularFile(studyJson), "%s is not a study directory: %s is missing", dir, studyJson);
    JsonObject study = JsonParser.parseString(Files.readString(studyJson)).getAsJsonObject();
    List<String> tasks = List.copyOf(study.getAsJsonObject("tasks").keySet());
    Map<StudyMethod, TreeMap<Long, Map<String, DevPredictions>>> runs = new EnumMap<>(StudyMethod.class);
    Map<StudyMethod, Double> seconds = new EnumMap<>(StudyMethod.class);
    for (StudyMethod m : StudyMethod.values()) {
      Path methodDir = dir.resolve(m.dirName());
      if (!Files.isDirectory(methodDir)) {
        continue;
      }
      TreeMap<Long, Map<String, DevPredictions>> seeds = new TreeMap<>();
      List<Path> seedDirs;
      try (Stream<Path> list = Files.list(methodDir)) {
        seedDirs = list.filter(p -> p.getFileName().toString().startsWith("seed-")).sorted().toList();
      }
      for (Path seedDir : seedDirs) {
        long seed = Long.parseLong(seedDir.getFileName().toString().substring("seed-".length()));
        Map<String, DevPredictions> byTask = new TreeMap<>();
        for (String task : tasks) {
          Path jobDir = m.multiTask() ? seedDir : seedDir.resolve(task);
          Path done = jobDir.resolve(StudyJob.DONE);
          if (!Files.isRegularFile(done)) {
            break;
          }
          byTask.put(task, DevPredictions.read(jobDir.resolve("dev").resolve(task + ".tsv")));
          if (!m.multiTask() || task.equals(tasks.get(0))) {
            double s = JsonParser.parseString(Files.readString(done)).getAsJsonObject().get("job_seconds")
                .getAsDouble();
            seconds.merge(m, s, Double::sum);
          }
        }
        if (byTask.size() == tasks.size()) {
          seeds.put(seed, byTask);
        }
      }
      if (!seeds.isEmpty()) {
        runs.put(m, seeds);
      }
    }
    return new StudyReport(tasks, runs, seconds, resamples);
  }

  // ------------------------------------------------------------------------------------------------ scores

  private static double taskScore(String task, DevPredictions p, int[] indices) {
    List<Metric> metrics = GlueTask.byName(task).metrics();
    double sum = 0;
    for (Metric metric : metrics) {
      sum += p.score(metric, indices);
    }
    return sum / metrics.size();
  }

  private static int[] all(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return idx;
  }

  /** One seed's score: a task's, or the average over tasks when {@code task} is null. */
  private double score(Map<String, DevPredictions> seed, String task, int[][] indices) {
    if (task != null) {
      return taskScore(task, seed.get(task), indices[0]);
    }
    double sum = 0;
    for (int t = 0; t < tasks.size(); t++) {
      sum += taskScore(tasks.get(t), seed.get(tasks.get(t)), indices[t]);
    }
    return sum / tasks.size();
  }

  /** The score of every seed of a method, in seed order; {@code task} null for the average. */
  double[] seedScores(StudyMethod m, String task) {
    TreeMap<Long, Map<String, DevPredictions>> seeds = runs.get(m);
    double[] out = new double[seeds.size()];
    int i = 0;
    for (Map<String, DevPredictions> seed : seeds.values()) {
      out[i++] = score(seed, task, fullIndices(seed, task));
    }
    return out;
  }

  private int[][] fullIndices(Map<String, DevPredictions> seed, String task) {
    if (task != null) {
      return new int[][] {all(seed.get(task).size())};
    }
    int[][] idx = new int[tasks.size()][];
    for (int t = 0; t < tasks.size(); t++) {
      idx[t] = all(seed.get(tasks.get(t)).size());
    }
    return idx;
  }

  /**
   * A comparison of two methods on a task (or the average, {@code task} null).
   *
   * @param difference mean score of A minus mean score of B, over the seeds both have
   * @param bootstrap the paired bootstrap test on the dev predictions, each side averaged over those seeds
   * @param mannWhitney the Mann-Whitney U test over the seeds' scores
   */
  record Comparison(double difference, PairedBootstrap.Result bootstrap, MannWhitney.Result mannWhitney) {}

  Comparison compare(StudyMethod a, StudyMethod b, String task) {
    List<Object> key = Arrays.asList(a, b, task);
    Comparison known = comparisons.get(key);
    if (known == null) {
      known = bootstrapAndRank(a, b, task);
      comparisons.put(key, known);
    }
    return known;
  }

  private Comparison bootstrapAndRank(StudyMethod a, StudyMethod b, String task) {
    List<Long> common = new ArrayList<>(runs.get(a).keySet());
    common.retainAll(runs.get(b).keySet());
    checkArgument(!common.isEmpty(), "%s and %s share no finished seed", a, b);
    Map<String, DevPredictions> any = runs.get(a).get(common.get(0));
    int[] sizes = task != null ? new int[] {any.get(task).size()}
        : tasks.stream().mapToInt(t -> any.get(t).size()).toArray();
    PairedBootstrap.Result boot = PairedBootstrap.test(sizes, idx -> meanOver(a, common, task, idx),
        idx -> meanOver(b, common, task, idx), resamples, 13);
    MannWhitney.Result mw = MannWhitney.test(seedScores(a, task), seedScores(b, task));
    return new Comparison(boot.difference(), boot, mw);
  }

  private double meanOver(StudyMethod m, List<Long> seeds, String task, int[][] indices) {
    double sum = 0;
    for (long s : seeds) {
      sum += score(runs.get(m).get(s), task, indices);
    }
    return sum / seeds.size();
  }

  // ---------------------------------------------------------------------------------------------- rendering

  /** The report as Markdown: the three tables, the significance tables and the run time per method. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("Scores are dev scores × 100, mean ± standard deviation over seeds (n = number of seeds).")
        .append(" `*`: paired bootstrap p < 0.05 against the method in the `vs` column.\n\n");
    md.append("### Methods (the paper's Table 1)\n\n").append(table(MAIN, true));
    md.append("\n### Ablations of BAM (the paper's Table 4)\n\n").append(table(ABLATIONS, true));
    md.append("\n### Single-task fine-tuning (the paper's Table 3)\n\n").append(table(FINETUNING, true));
    if (runs.containsKey(StudyMethod.BAM_BUCKETED)) {
      md.append("\n### Length-bucketed batches (this library's option, not in the paper)\n\n")
          .append(table(BUCKETING, true));
    }
    md.append("\n### Significance of every comparison\n\n")
        .append("Δ = mean(A) − mean(B) × 100; p_boot: paired bootstrap over dev examples (")
        .append(resamples).append(" resamples, two-sided); p_MWU: Mann-Whitney U over seeds (exact).\n\n");
    md.append("| A | vs B | task | Δ | 95% interval | p_boot | p_MWU |\n|---|---|---|---:|---|---:|---:|\n");
    for (Map.Entry<StudyMethod, StudyMethod> e : REFERENCE.entrySet()) {
      if (!runs.containsKey(e.getKey()) || !runs.containsKey(e.getValue())) {
        continue;
      }
      for (String task : taskColumns()) {
        Comparison c = compare(e.getKey(), e.getValue(), task);
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %+.1f | [%+.1f, %+.1f] | %.3f | %.2f |%n",
            e.getKey().label(), e.getValue().label(), task == null ? "**Avg**" : task, 100 * c.difference(),
            100 * c.bootstrap().low(), 100 * c.bootstrap().high(), c.bootstrap().pValue(),
            c.mannWhitney().pValue()));
      }
    }
    md.append("\n### Time per method\n\n| method | wall time of its jobs, all seeds (s) |\n|---|---:|\n");
    seconds.forEach((m, s) -> md.append(String.format(Locale.ROOT, "| %s | %.0f |%n", m.label(), s)));
    return md.toString();
  }

  /** Task columns then the average (null). */
  private List<String> taskColumns() {
    List<String> cols = new ArrayList<>(tasks);
    cols.add(null);
    return cols;
  }

  private String table(List<StudyMethod> methods, boolean marks) {
    StringBuilder md = new StringBuilder("| Method | n | vs |");
    tasks.forEach(t -> md.append(' ').append(t).append(" |"));
    md.append(" **Avg** |\n|---|---:|---|").append("---:|".repeat(tasks.size() + 1)).append('\n');
    for (StudyMethod m : methods) {
      if (!runs.containsKey(m)) {
        continue;
      }
      StudyMethod ref = REFERENCE.get(m);
      boolean compared = marks && ref != null && runs.containsKey(ref) && methods.contains(ref);
      md.append("| ").append(m.label()).append(" | ").append(runs.get(m).size()).append(" | ")
          .append(compared ? ref.label() : "").append(" |");
      for (String task : taskColumns()) {
        double[] s = seedScores(m, task);
        String mark = compared && compare(m, ref, task).bootstrap().pValue() < ALPHA ? "*" : "";
        String cell = String.format(Locale.ROOT, "%.1f ± %.1f%s", 100 * mean(s), 100 * std(s), mark);
        md.append(' ').append(task == null ? "**" + cell + "**" : cell).append(" |");
      }
      md.append('\n');
    }
    return md.toString();
  }

  /** The results as JSON: per method, per task and the average, every seed's score. */
  JsonObject json() {
    JsonObject root = new JsonObject();
    JsonArray taskNames = new JsonArray();
    tasks.forEach(taskNames::add);
    root.add("tasks", taskNames);
    JsonObject methods = new JsonObject();
    runs.forEach((m, seeds) -> {
      JsonObject method = new JsonObject();
      JsonArray seedList = new JsonArray();
      seeds.keySet().forEach(seedList::add);
      method.add("seeds", seedList);
      for (String task : taskColumns()) {
        JsonArray scores = new JsonArray();
        for (double v : seedScores(m, task)) {
          scores.add(v);
        }
        method.add(task == null ? "average" : task, scores);
      }
      methods.add(m.dirName(), method);
    });
    root.add("methods", methods);
    return root;
  }

  /** The plots by file name. */
  Map<String, String> plots() {
    Map<String, String> plots = new TreeMap<>();
    List<String> columns = new ArrayList<>(tasks);
    columns.add("Avg");
    BarChart perTask = BarChart.of("Dev score by task, mean ± std over seeds", columns)
        .yLabel("dev score × 100").size(900, 420);
    for (StudyMethod m : MAIN) {
      if (runs.containsKey(m)) {
        double[][] ms = meansAndStds(m, taskColumns());
        perTask.group(m.label(), ms[0], ms[1]);
      }
    }
    plots.put("methods.svg", perTask.toSvg());

    List<StudyMethod> lambda = List.of(StudyMethod.LAMBDA_ZERO, StudyMethod.LAMBDA_HALF, StudyMethod.BAM,
        StudyMethod.MULTI);
    List<String> lambdaNames = List.of("λ = 0 (teacher only)", "λ = 0.5", "λ: 0 → 1 (annealed)",
        "λ = 1 (gold only: Multi)");
    List<String> present = new ArrayList<>();
    List<double[]> stats = new ArrayList<>();
    for (int i = 0; i < lambda.size(); i++) {
      if (runs.containsKey(lambda.get(i))) {
        present.add(lambdaNames.get(i));
        double[] s = seedScores(lambda.get(i), null);
        stats.add(new double[] {100 * mean(s), 100 * std(s)});
      }
    }
    if (!present.isEmpty()) {
      plots.put("lambda.svg", BarChart.of("Average dev score by teacher-annealing schedule", present)
          .yLabel("average dev score × 100").size(640, 400)
          .group("mean ± std over seeds", stats.stream().mapToDouble(s -> s[0]).toArray(),
              stats.stream().mapToDouble(s -> s[1]).toArray())
          .toSvg());
    }
    List<String> ablationNames = ABLATIONS.stream().filter(runs::containsKey).map(StudyMethod::label).toList();
    if (!ablationNames.isEmpty()) {
      double[] means = ABLATIONS.stream().filter(runs::containsKey)
          .mapToDouble(m -> 100 * mean(seedScores(m, null))).toArray();
      double[] stds = ABLATIONS.stream().filter(runs::containsKey)
          .mapToDouble(m -> 100 * std(seedScores(m, null))).toArray();
      plots.put("ablations.svg", BarChart.of("Ablations: average dev score", ablationNames)
          .yLabel("average dev score × 100").size(640, 400).group("mean ± std over seeds", means, stds).toSvg());
    }
    return plots;
  }

  private double[][] meansAndStds(StudyMethod m, List<String> columns) {
    double[][] out = new double[2][columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      double[] s = seedScores(m, columns.get(c));
      out[0][c] = 100 * mean(s);
      out[1][c] = 100 * std(s);
    }
    return out;
  }

  private static double mean(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }

  /** The sample standard deviation; 0 for a single seed. */
  private static double std(double[] v) {
    return v.length < 2 ? 0 : new StandardDeviation(true).evaluate(v);
  }
}
