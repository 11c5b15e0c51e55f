package io.github.bamjava.glue.study;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.glue.plot.BarChart;
import io.github.bamjava.glue.study.significance.Holm;
import io.github.bamjava.glue.study.significance.MannWhitney;
import io.github.bamjava.glue.study.significance.PairedBootstrap;
import io.github.bamjava.glue.study.significance.PairedTTest;
import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetric;
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
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;
import org.jspecify.annotations.Nullable;

/**
 * The report of a {@link Study}: the paper's tables at the study's scale, each method as mean ± standard
 * deviation over seeds next to a majority-class baseline, and every comparison tested over seeds, the unit of
 * replication.
 *
 * <p>Each table tests its comparisons (each method against the method the paper compares it with, in every
 * task column and the average) over the seeds both methods finished: a paired t-test over the per-seed
 * differences (seed s of A against seed s of B, which share the seed and, for distilled students, the
 * teachers) and an exact Mann-Whitney U test over the per-seed scores. Both are Holm-adjusted: the average,
 * the primary measure of each comparison, across the table's comparisons; the task columns, secondary, across
 * the tasks of each comparison. A cell is marked when its adjusted paired-t p is below 0.05. A paired bootstrap
 * over the dev examples, with the trained models held fixed, is reported as a secondary measure.
 *
 * <p>A task's score is the mean of its GLUE metrics (MRPC: F1 and accuracy; STS-B: Pearson and Spearman); the
 * average is the mean over the study's tasks, and its column says which they are. Only jobs that finished are
 * read, so a report of a study in progress covers the seeds done so far (a method appears once every task of
 * one seed is done).
 */
public final class StudyReport {

  /** Two methods compared: A against B. */
  record Pair(StudyMethod a, StudyMethod b) {}

  /**
   * A results table and its family of tests.
   *
   * @param title the table's heading
   * @param methods the rows, in order
   * @param comparisons what the table tests, each in every task column and the average: a row against the
   *     method the paper compares it with (shown in the row's {@code vs} column and marked in its cells),
   *     and possibly more comparisons of a row (listed under Significance only)
   */
  record Table(String title, List<StudyMethod> methods, List<Pair> comparisons) {
    /** The method a row is compared with in its cells: the B of its first comparison; null if none. */
    @Nullable StudyMethod reference(StudyMethod row) {
      return comparisons.stream().filter(p -> p.a() == row).map(Pair::b).findFirst().orElse(null);
    }
  }

  private static Pair vs(StudyMethod a, StudyMethod b) {
    return new Pair(a, b);
  }

  /**
   * The main comparison of the paper's Table 1; BAM is compared with Multi in its cells and with Single as well.
   * Its own table, so that its Holm family is these three comparisons whatever else of Table 1 has run.
   */
  static final Table MAIN = new Table("Methods (the paper's Table 1: Single, Multi, BAM)", List.of(
      StudyMethod.SINGLE, StudyMethod.MULTI, StudyMethod.BAM),
      List.of(vs(StudyMethod.MULTI, StudyMethod.SINGLE), vs(StudyMethod.BAM, StudyMethod.MULTI),
          vs(StudyMethod.BAM, StudyMethod.SINGLE)));
  /**
   * The rest of the paper's Table 1: a model distilled into one of its own kind, each against its teacher, and
   * BAM against both, which is the paper's claim (born-again distillation alone is not what helps).
   */
  static final Table BORN_AGAIN = new Table("Born-again models (the paper's Table 1: Single→Single, Multi→Multi)",
      List.of(StudyMethod.SINGLE, StudyMethod.SINGLE_SINGLE, StudyMethod.MULTI, StudyMethod.MULTI_MULTI,
          StudyMethod.BAM),
      List.of(vs(StudyMethod.SINGLE_SINGLE, StudyMethod.SINGLE), vs(StudyMethod.MULTI_MULTI, StudyMethod.MULTI),
          vs(StudyMethod.BAM, StudyMethod.SINGLE_SINGLE), vs(StudyMethod.BAM, StudyMethod.MULTI_MULTI)));
  /** Every method of the paper's Table 1, in its order: the methods plot. */
  private static final List<StudyMethod> TABLE_1 = List.of(StudyMethod.SINGLE, StudyMethod.MULTI,
      StudyMethod.SINGLE_SINGLE, StudyMethod.MULTI_MULTI, StudyMethod.BAM);
  /** The paper's Table 4: each ablation against BAM. */
  static final Table ABLATIONS = new Table("Ablations of BAM (the paper's Table 4)", List.of(StudyMethod.BAM,
      StudyMethod.NO_LAYERWISE_LR, StudyMethod.NO_TASK_SAMPLING, StudyMethod.LAMBDA_ZERO,
      StudyMethod.LAMBDA_HALF),
      List.of(vs(StudyMethod.NO_LAYERWISE_LR, StudyMethod.BAM), vs(StudyMethod.NO_TASK_SAMPLING, StudyMethod.BAM),
          vs(StudyMethod.LAMBDA_ZERO, StudyMethod.BAM), vs(StudyMethod.LAMBDA_HALF, StudyMethod.BAM)));
  /**
   * The paper's Table 3: each model fine-tuned against itself before fine-tuning; and the compute-matched
   * control of the analysis plan, BAM trained for the fine-tunings' extra epoch on gold labels without the
   * single-task stage, against BAM fine-tuned and against BAM. The same four comparisons as the plan's family,
   * so that the cells' marks are the plan's verdicts.
   */
  static final Table FINETUNING = new Table("Single-task fine-tuning (the paper's Table 3) and its control",
      List.of(StudyMethod.MULTI, StudyMethod.MULTI_FINETUNED, StudyMethod.BAM, StudyMethod.BAM_GOLD_EPOCH,
          StudyMethod.BAM_FINETUNED),
      List.of(vs(StudyMethod.MULTI_FINETUNED, StudyMethod.MULTI), vs(StudyMethod.BAM_GOLD_EPOCH, StudyMethod.BAM),
          vs(StudyMethod.BAM_FINETUNED, StudyMethod.BAM), vs(StudyMethod.BAM_FINETUNED, StudyMethod.BAM_GOLD_EPOCH)));
  static final Table HEADS = new Table("Head options (this library's option, not in the paper)",
      List.of(StudyMethod.SINGLE, StudyMethod.SINGLE_MEAN_LINEAR),
      List.of(vs(StudyMethod.SINGLE_MEAN_LINEAR, StudyMethod.SINGLE)));
  static final Table BUCKETING = new Table("Length-bucketed batches (this library's option, not in the paper)",
      List.of(StudyMethod.BAM, StudyMethod.BAM_BUCKETED), List.of(vs(StudyMethod.BAM_BUCKETED, StudyMethod.BAM)));

  private static final double ALPHA = 0.05;
  private static final String MAJORITY_ROW = "Majority class";
  private static final String FLOOR_ROW = "Floor (best of the baselines)";

  private final List<String> tasks;
  /** Dev predictions by method, seed and task; only complete seeds (every task done). */
  private final Map<StudyMethod, TreeMap<Long, Map<String, DevPredictions>>> runs;
  private final Map<StudyMethod, Double> seconds;
  /** The label index of each classification task's majority class, as study.json records it. */
  private final Map<String, Integer> majorityIndex;
  private final int resamples;
  /** study.json's tasks: majority classes and training label shares, for the floors. */
  private final JsonObject studyTasks;
  /** Whether the study's seeds draw their own training examples (study.json's train_draw). */
  private final boolean perSeedDraws;
  private @Nullable FloorReport floors;
  /** Each comparison is a bootstrap of thousands of rescorings; the tables and the p-value list share them. */
  private final Map<List<Object>, Comparison> comparisons = new HashMap<>();

  StudyReport(List<String> tasks, Map<StudyMethod, TreeMap<Long, Map<String, DevPredictions>>> runs,
      Map<StudyMethod, Double> seconds, Map<String, Integer> majorityIndex, int resamples) {
    this(tasks, runs, seconds, majorityIndex, resamples, new JsonObject(), false);
  }

  StudyReport(List<String> tasks, Map<StudyMethod, TreeMap<Long, Map<String, DevPredictions>>> runs,
      Map<StudyMethod, Double> seconds, Map<String, Integer> majorityIndex, int resamples, JsonObject studyTasks,
      boolean perSeedDraws) {
    this.studyTasks = studyTasks;
    this.perSeedDraws = perSeedDraws;
    this.tasks = List.copyOf(tasks);
    this.runs = runs;
    this.seconds = seconds;
    this.majorityIndex = Map.copyOf(majorityIndex);
    this.resamples = resamples;
  }

  /**
   * Reads the study in {@code dir} and writes {@code report/results.md}, {@code report/results.json} and the
   * plots in {@code report/img/}; returns the Markdown file.
   */
  public static Path write(Path dir, int resamples) throws IOException {
    return write(dir, resamples, List.of());
  }

  /**
   * As {@link #write(Path, int)}, with the analysis plan computed over this study and {@code companions}:
   * other studies under the same plan (the fixed-subset study and the data-draw study each hold some of its
   * families), whose comparisons join the stricter families S1 and S2.
   */
  public static Path write(Path dir, int resamples, List<Path> companions) throws IOException {
    StudyReport report = read(dir, resamples);
    List<PlanReport.Source> sources = new ArrayList<>();
    sources.add(report.planSource(dir));
    for (Path companion : companions) {
      sources.add(read(companion, resamples).planSource(companion));
    }
    List<PlanReport.Row> plan = PlanReport.rows(sources);
    Path out = dir.resolve("report");
    AtomicFiles.writeString(out.resolve("results.md"), PlanReport.markdown(plan)
        + PlanReport.decomposition(plan, sources) + report.floorsMarkdown() + report.markdown());
    JsonObject json = report.json();
    json.add("plan", PlanReport.json(plan));
    AtomicFiles.writeString(out.resolve("results.json"),
        new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n");
    for (Map.Entry<String, String> plot : report.plots().entrySet()) {
      AtomicFiles.writeString(out.resolve("img").resolve(plot.getKey()), plot.getValue());
    }
    return out.resolve("results.md");
  }

  /** Reads every finished job of the study in {@code dir}. */
  static StudyReport read(Path dir, int resamples) throws IOException {
    Path studyJson = dir.resolve("study.json");
    checkArgument(Files.isRegularFile(studyJson), "%s is not a study directory: %s is missing", dir, studyJson);
    JsonObject study = Study.readDescription(studyJson);
    List<String> tasks = List.copyOf(study.getAsJsonObject("tasks").keySet());
    Map<String, Integer> majority = new HashMap<>();
    for (String task : tasks) {
      JsonObject t = study.getAsJsonObject("tasks").getAsJsonObject(task);
      if (t.has(Study.MAJORITY)) {
        majority.put(task, t.getAsJsonObject(Study.MAJORITY).get("index").getAsInt());
      }
    }
    Map<StudyMethod, TreeMap<Long, Map<String, DevPredictions>>> runs = new EnumMap<>(StudyMethod.class);
    Map<StudyMethod, Double> seconds = new EnumMap<>(StudyMethod.class);
    Map<String, Map.Entry<Path, DevPredictions>> firstRead = new HashMap<>();
    for (StudyMethod m : StudyMethod.values()) {
      Path methodDir = dir.resolve(m.dirName());
      if (!Files.isDirectory(methodDir)) {
        continue;
      }
      TreeMap<Long, Map<String, DevPredictions>> seeds = new TreeMap<>();
      List<Path> seedDirs;
      try (Stream<Path> list = Files.list(methodDir)) {
        // Only the study's seed-<n> directories: other entries (a backup copy, a note) are the user's.
        seedDirs = list.filter(p -> StudyJob.seedOf(p).isPresent()).sorted().toList();
      }
      for (Path seedDir : seedDirs) {
        long seed = StudyJob.seedOf(seedDir).getAsLong();
        Map<String, DevPredictions> byTask = new TreeMap<>();
        double seedSeconds = 0;
        for (String task : tasks) {
          Path jobDir = m.multiTask() ? seedDir : seedDir.resolve(task);
          Path done = jobDir.resolve(StudyJob.DONE);
          if (!Files.isRegularFile(done)) {
            break;
          }
          Path file = jobDir.resolve("dev").resolve(task + ".tsv");
          DevPredictions predictions = DevPredictions.read(file);
          checkSameRows(file, predictions, firstRead.putIfAbsent(task, Map.entry(file, predictions)));
          byTask.put(task, predictions);
          if (!m.multiTask() || task.equals(tasks.get(0))) {
            seedSeconds += JsonParser.parseString(Files.readString(done)).getAsJsonObject().get("job_seconds")
                .getAsDouble();
          }
        }
        // A seed counts, in scores and in time, once all its tasks are done.
        if (byTask.size() == tasks.size()) {
          seeds.put(seed, byTask);
          seconds.merge(m, seedSeconds, Double::sum);
        }
      }
      if (!seeds.isEmpty()) {
        runs.put(m, seeds);
      }
    }
    boolean perSeed = study.has(Study.TRAIN_DRAW) && Study.PER_SEED.equals(study.get(Study.TRAIN_DRAW).getAsString());
    return new StudyReport(tasks, runs, seconds, majority, resamples, study.getAsJsonObject("tasks"), perSeed);
  }

  /**
   * Refuses dev predictions of a task whose rows are not those of the first file read for it: comparisons pair
   * methods and seeds row by row, and the bootstrap resamples rows, so other rows would compare other examples.
   */
  private static void checkSameRows(Path file, DevPredictions p, Map.Entry<Path, DevPredictions> first) {
    if (first == null || first.getValue().ids().equals(p.ids())) {
      return;
    }
    List<String> ids = first.getValue().ids();
    int row = 0;
    while (row < Math.min(ids.size(), p.ids().size()) && ids.get(row).equals(p.ids().get(row))) {
      row++;
    }
    throw new IllegalArgumentException(String.format("%s has other dev rows than %s (%d rows against %d; first"
        + " difference at row %d): was the study's dev set changed between its runs?", file, first.getKey(),
        p.ids().size(), ids.size(), row + 1));
  }

  // ------------------------------------------------------------------------------------------------ scores

  static double taskScore(String task, DevPredictions p) {
    return taskScore(task, p, all(p.size()));
  }

  private static double taskScore(String task, DevPredictions p, int[] indices) {
    List<TaskMetric> metrics = GlueTask.byName(task).metrics();
    double sum = 0;
    for (TaskMetric metric : metrics) {
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

  /** The methods with at least one complete seed, in the study's order. */
  List<StudyMethod> methods() {
    return List.copyOf(runs.keySet());
  }

  /** A method's complete seeds, ascending. */
  List<Long> seedsOf(StudyMethod m) {
    return List.copyOf(runs.get(m).keySet());
  }

  /** How many dev rows a task is scored on. */
  int devSize(String task) {
    return runs.values().iterator().next().firstEntry().getValue().get(task).size();
  }

  /** The tasks' floors, from the first finished job's dev labels; null before any job has finished. */
  @Nullable FloorReport floors() {
    if (floors == null && !runs.isEmpty()) {
      floors = new FloorReport(this, Floors.of(tasks, studyTasks, runs.values().iterator().next().firstEntry()
          .getValue(), StudyReport::taskScore));
    }
    return floors;
  }

  /** The floors section: every task's baselines and how far each method is above them. */
  String floorsMarkdown() {
    FloorReport f = floors();
    return f == null ? "" : f.markdown();
  }

  /** The study's tasks, in the average's order. */
  List<String> taskNames() {
    return tasks;
  }

  /** The seeds both methods finished, ascending; empty when either has no run. */
  List<Long> commonSeeds(StudyMethod a, StudyMethod b) {
    if (!runs.containsKey(a) || !runs.containsKey(b)) {
      return List.of();
    }
    List<Long> common = new ArrayList<>(runs.get(a).keySet());
    common.retainAll(runs.get(b).keySet());
    return common;
  }

  private PlanReport.Source planSource(Path dir) {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    return new PlanReport.Source(name == null ? dir.toString() : name.toString(), this, perSeedDraws);
  }

  /** The scores of a method's given seeds, in that order; {@code task} null for the average. */
  double[] seedScores(StudyMethod m, List<Long> seeds, String task) {
    double[] out = new double[seeds.size()];
    for (int i = 0; i < out.length; i++) {
      Map<String, DevPredictions> seed = runs.get(m).get(seeds.get(i));
      out[i] = score(seed, task, fullIndices(seed, task));
    }
    return out;
  }

  /**
   * A comparison of two methods on a task (or the average, {@code task} null), over the seeds both finished.
   *
   * @param seeds the seeds both methods finished, ascending; n = their number
   * @param difference the mean over those seeds of A's score minus B's
   * @param pairedT the paired t-test over the per-seed differences; null with fewer than two seeds
   * @param mannWhitney the exact Mann-Whitney U test over the same seeds' scores, unpaired
   * @param bootstrap secondary: the paired bootstrap over dev examples with the models fixed, each side averaged
   *     over those seeds
   */
  record Comparison(List<Long> seeds, double difference, PairedTTest.@Nullable Result pairedT,
      MannWhitney.Result mannWhitney, PairedBootstrap.Result bootstrap) {
    int n() {
      return seeds.size();
    }
  }

  Comparison compare(StudyMethod a, StudyMethod b, String task) {
    List<Object> key = Arrays.asList(a, b, task);
    Comparison known = comparisons.get(key);
    if (known == null) {
      known = test(a, b, task);
      comparisons.put(key, known);
    }
    return known;
  }

  private Comparison test(StudyMethod a, StudyMethod b, String task) {
    List<Long> common = new ArrayList<>(runs.get(a).keySet());
    common.retainAll(runs.get(b).keySet());
    checkArgument(!common.isEmpty(), "%s and %s share no finished seed", a, b);
    double[] scoresA = seedScores(a, common, task);
    double[] scoresB = seedScores(b, common, task);
    double difference = 0;
    for (int i = 0; i < common.size(); i++) {
      difference += (scoresA[i] - scoresB[i]) / common.size();
    }
    PairedTTest.Result t = common.size() >= 2 ? PairedTTest.test(scoresA, scoresB) : null;
    MannWhitney.Result mw = MannWhitney.test(scoresA, scoresB);
    Map<String, DevPredictions> any = runs.get(a).get(common.get(0));
    int[] sizes = task != null ? new int[] {any.get(task).size()}
        : tasks.stream().mapToInt(name -> any.get(name).size()).toArray();
    PairedBootstrap.Result boot = PairedBootstrap.test(sizes, idx -> meanOver(a, common, task, idx),
        idx -> meanOver(b, common, task, idx), resamples, 13);
    return new Comparison(List.copyOf(common), difference, t, mw, boot);
  }

  private double meanOver(StudyMethod m, List<Long> seeds, String task, int[][] indices) {
    double sum = 0;
    for (long s : seeds) {
      sum += score(runs.get(m).get(s), task, indices);
    }
    return sum / seeds.size();
  }

  /**
   * One test of a table: a comparison in one column, with its p-values adjusted by Holm across its family (NaN
   * where there are fewer than two common seeds, which the family leaves out).
   */
  record Test(Pair pair, @Nullable String task, Comparison comparison, double holmT, double holmMannWhitney) {}

  /**
   * The table's tests: each of its comparisons whose methods both have runs, in every task column and the
   * average, in that order. Two kinds of Holm family: the averages of all the table's comparisons (the primary
   * test of each: the average is what the paper compares), and, per comparison, its task columns (secondary).
   * One family of comparisons × columns would leave the exact Mann-Whitney test no chance at five seeds: its
   * smallest p, 2/252, times the 24 tests of the main comparison's table is above 0.05.
   */
  List<Test> tests(Table table) {
    List<Pair> pairs = table.comparisons().stream()
        .filter(p -> runs.containsKey(p.a()) && runs.containsKey(p.b())).toList();
    List<Pair> testPairs = new ArrayList<>();
    List<String> testTasks = new ArrayList<>();
    List<Comparison> found = new ArrayList<>();
    for (Pair p : pairs) {
      for (String task : taskColumns()) {
        testPairs.add(p);
        testTasks.add(task);
        found.add(compare(p.a(), p.b(), task));
      }
    }
    double[] adjustedT = new double[found.size()];
    double[] adjustedMw = new double[found.size()];
    Arrays.fill(adjustedT, Double.NaN);
    Arrays.fill(adjustedMw, Double.NaN);
    List<List<Integer>> families = new ArrayList<>();
    families.add(new ArrayList<>());
    pairs.forEach(p -> families.add(new ArrayList<>()));
    for (int i = 0; i < found.size(); i++) {
      if (found.get(i).pairedT() != null) {
        families.get(testTasks.get(i) == null ? 0 : 1 + pairs.indexOf(testPairs.get(i))).add(i);
      }
    }
    for (List<Integer> family : families) {
      double[] holmT = Holm.adjust(family.stream().mapToDouble(i -> found.get(i).pairedT().pValue())
          .toArray());
      double[] holmMw = Holm.adjust(family.stream().mapToDouble(i -> found.get(i).mannWhitney().pValue())
          .toArray());
      for (int k = 0; k < family.size(); k++) {
        adjustedT[family.get(k)] = holmT[k];
        adjustedMw[family.get(k)] = holmMw[k];
      }
    }
    List<Test> tests = new ArrayList<>();
    for (int i = 0; i < found.size(); i++) {
      tests.add(new Test(testPairs.get(i), testTasks.get(i), found.get(i), adjustedT[i], adjustedMw[i]));
    }
    return tests;
  }

  // ------------------------------------------------------------------------------------------ majority class

  /**
   * The majority-class baseline in one column: always predicting the most frequent training label of the task,
   * scored on the study's dev examples; the average counts a regression task as 0 (the correlation of a
   * constant is undefined, and {@link io.github.bamjava.task.TaskMetrics} scores it 0). NaN when study.json does
   * not record a classification task's majority class, or no job has finished (its dev labels are read from
   * the jobs' dev predictions).
   */
  double majorityScore(String task) {
    if (task == null) {
      double sum = 0;
      for (String t : tasks) {
        sum += isRegression(t) ? 0 : majorityScore(t);
      }
      return sum / tasks.size();
    }
    Integer index = majorityIndex.get(task);
    if (isRegression(task) || index == null || runs.isEmpty()) {
      return Double.NaN;
    }
    DevPredictions dev = runs.values().iterator().next().firstEntry().getValue().get(task);
    double[] constant = new double[dev.size()];
    Arrays.fill(constant, index);
    return taskScore(task, new DevPredictions(dev.ids(), dev.gold(), constant), all(dev.size()));
  }

  /**
   * The training-majority baseline in one column: the floors' (which also know each seed's draw) where
   * study.json records training shares, else {@link #majorityScore}.
   */
  private double trainingMajority(String task) {
    FloorReport f = floors();
    double v = f == null ? Double.NaN : f.baseline(task, Floors.TaskFloor::trainingMajority);
    return Double.isNaN(v) ? majorityScore(task) : v;
  }

  /** The floor in one column; the average over the tasks for null. */
  private double floor(String task) {
    FloorReport f = floors();
    return f == null ? Double.NaN : f.baseline(task, Floors.TaskFloor::floor);
  }

  private static boolean isRegression(String task) {
    return GlueTask.byName(task).kind() instanceof TaskKind.Regression;
  }

  // ---------------------------------------------------------------------------------------------- rendering

  /** The tables in the order the report shows them; the bucketing table only with bucketed runs. */
  private List<Table> tables() {
    List<Table> shown = new ArrayList<>(List.of(MAIN, BORN_AGAIN, ABLATIONS, FINETUNING));
    if (runs.containsKey(StudyMethod.SINGLE_MEAN_LINEAR)) {
      shown.add(HEADS);
    }
    if (runs.containsKey(StudyMethod.BAM_BUCKETED)) {
      shown.add(BUCKETING);
    }
    return shown;
  }

  /** The report as Markdown: the tables, the significance of every test of each, the run time per method. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("Scores are dev scores × 100, mean ± standard deviation over seeds (the score alone for one seed);")
        .append(" n = number of seeds, the unit of")
        .append(" replication. `*`: differs from the method in the `vs` column over seeds — paired t-test over")
        .append(" the seeds both have, Holm-adjusted p < 0.05 (see Significance).")
        .append(" Majority class: always predicting the most frequent label of the task's training examples,")
        .append(" scored on the same dev examples. Floor: the best of the baselines in Floors above; `†`: the")
        .append(" method is not shown to clear the task's floor over seeds (one-sided t, Holm over its tasks).");
    List<String> regression = tasks.stream().filter(StudyReport::isRegression).toList();
    if (!regression.isEmpty()) {
      md.append(' ').append(String.join(", ", regression)).append(regression.size() == 1 ? " is" : " are")
          .append(" a regression: it has no majority class and the correlation of a constant is undefined,")
          .append(" shown as –, counted as 0 in the average.");
    }
    if (tasks.contains(GlueTask.COLA.dirName())) {
      md.append(" CoLA's Matthews correlation of a constant prediction is 0 (undefined, 0 by convention).");
    }
    // A study whose seeds draw their own examples records a majority class per draw, not one: it is known
    // whenever the column shows a value.
    List<String> unknown = tasks.stream().filter(t -> !isRegression(t) && Double.isNaN(trainingMajority(t)))
        .toList();
    if (!unknown.isEmpty()) {
      md.append(" study.json records no majority class for ").append(String.join(", ", unknown))
          .append(" (written before majority classes were recorded; `bam study report --glue-dir DIR` adds")
          .append(" them): shown as ?.");
    }
    md.append("\n\n");
    for (Table table : tables()) {
      md.append("### ").append(table.title()).append("\n\n").append(table(table));
      List<String> also = table.comparisons().stream()
          .filter(p -> table.reference(p.a()) != p.b() && runs.containsKey(p.a()) && runs.containsKey(p.b()))
          .map(p -> p.a().label() + " vs " + p.b().label()).toList();
      if (!also.isEmpty()) {
        md.append("\nAlso tested (see Significance): ").append(String.join("; ", also)).append(".\n");
      }
      md.append('\n');
    }
    md.append(perSeed());
    md.append(significance());
    md.append("\n### Time per method\n\nWall time of each job; a job resumed after an interruption counts the")
        .append(" training before it as far as its last checkpoint, not the rest of the lost work.\n\n")
        .append("| method | wall time of its jobs, all seeds (s) |\n|---|---:|\n");
    seconds.forEach((m, s) -> md.append(String.format(Locale.ROOT, "| %s | %.0f |%n", m.label(), s)));
    return md.toString();
  }

  /** The average's heading: how many tasks, which, and which GLUE tasks the study does not have. */
  String averageLabel() {
    List<String> missing = Arrays.stream(GlueTask.values()).map(GlueTask::dirName)
        .filter(name -> tasks.stream().noneMatch(name::equalsIgnoreCase)).map(name -> "no " + name).toList();
    return "Avg (" + taskCount() + ": " + String.join(", ", tasks)
        + (missing.isEmpty() ? "" : "; " + String.join(", ", missing)) + ")";
  }

  /** The average's short heading, as in "Avg (7 tasks)". */
  String shortAverageLabel() {
    return "Avg (" + taskCount() + ")";
  }

  private String taskCount() {
    return tasks.size() + (tasks.size() == 1 ? " task" : " tasks");
  }

  /** Task columns then the average (null). */
  private List<String> taskColumns() {
    List<String> cols = new ArrayList<>(tasks);
    cols.add(null);
    return cols;
  }

  private String table(Table table) {
    Map<List<Object>, Test> marks = new HashMap<>();
    for (Test t : tests(table)) {
      marks.put(Arrays.asList(t.pair().a(), t.pair().b(), t.task()), t);
    }
    StringBuilder md = new StringBuilder("| Method | n | vs |");
    tasks.forEach(t -> md.append(' ').append(t).append(" |"));
    md.append(" **").append(averageLabel()).append("** |\n|---|---:|---|")
        .append("---:|".repeat(tasks.size() + 1)).append('\n');
    baselineRow(md, MAJORITY_ROW, this::trainingMajority);
    FloorReport floorReport = floors();
    if (floorReport != null) {
      baselineRow(md, FLOOR_ROW, this::floor);
    }
    for (StudyMethod m : table.methods()) {
      if (!runs.containsKey(m)) {
        continue;
      }
      Map<String, Double> clearing = floorReport == null ? Map.of() : floorReport.clearing(m);
      StudyMethod ref = table.reference(m);
      boolean compared = ref != null && runs.containsKey(ref);
      md.append("| ").append(m.label()).append(" | ").append(runs.get(m).size()).append(" | ")
          .append(compared ? ref.label() : "").append(" |");
      for (String task : taskColumns()) {
        double[] s = seedScores(m, task);
        Test test = compared ? marks.get(Arrays.asList(m, ref, task)) : null;
        String mark = (test != null && test.holmT() < ALPHA ? "*" : "")
            + (task != null && FloorReport.notCleared(clearing.getOrDefault(task, Double.NaN)) ? " †" : "");
        // One seed has no spread: "± 0.0" would claim one.
        String cell = s.length < 2 ? String.format(Locale.ROOT, "%.1f%s", 100 * mean(s), mark)
            : String.format(Locale.ROOT, "%.1f ± %.1f%s", 100 * mean(s), 100 * std(s), mark);
        md.append(' ').append(task == null ? "**" + cell + "**" : cell).append(" |");
      }
      md.append('\n');
    }
    return md.toString();
  }

  /** A baseline's row of a table: its score in every task column and the average, "–" for a regression task. */
  private void baselineRow(StringBuilder md, String name, Function<String, Double> score) {
    md.append("| ").append(name).append(" | – |  |");
    for (String task : taskColumns()) {
      double v = score.apply(task);
      String cell = task != null && isRegression(task) ? "–"
          : Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%.1f", 100 * v);
      md.append(' ').append(task == null ? "**" + cell + "**" : cell).append(" |");
    }
    md.append('\n');
  }

  /**
   * Every method's score on every seed: with a handful of seeds, whether a difference holds seed by seed says
   * more than a mean and a spread.
   */
  private String perSeed() {
    StringBuilder md = new StringBuilder("### Per seed\n\n| Method | seed |");
    tasks.forEach(t -> md.append(' ').append(t).append(" |"));
    md.append(" **").append(shortAverageLabel()).append("** |\n|---|---:|")
        .append("---:|".repeat(tasks.size() + 1)).append('\n');
    List<String> columns = taskColumns();
    runs.forEach((m, seeds) -> {
      // Each column's scores once for all seeds: the average rescores every task.
      List<double[]> byColumn = columns.stream().map(task -> seedScores(m, task)).toList();
      List<Long> seedList = List.copyOf(seeds.keySet());
      for (int i = 0; i < seedList.size(); i++) {
        md.append("| ").append(m.label()).append(" | ").append(seedList.get(i)).append(" |");
        for (int c = 0; c < columns.size(); c++) {
          String cell = String.format(Locale.ROOT, "%.1f", 100 * byColumn.get(c)[i]);
          md.append(' ').append(columns.get(c) == null ? "**" + cell + "**" : cell).append(" |");
        }
        md.append('\n');
      }
    });
    return md.append('\n').toString();
  }

  private String significance() {
    StringBuilder md = new StringBuilder("### Significance\n\n");
    md.append("Seeds are the unit of replication: each test compares A and B over the n seeds both finished;")
        .append(" Δ = mean(A) − mean(B) over those seeds, × 100.\n\n")
        .append("- **p_t** (primary; the tables' `*`): paired t-test over the per-seed differences A − B (seed s")
        .append(" of A against seed s of B, which share the seed and, for students, the teachers), two-sided,")
        .append(" n − 1 degrees of freedom. An exact sign-flip test would need no normality but cannot go below")
        .append(" 2/2^n (0.0625 with 5 seeds).\n")
        .append("- **p_MWU** (a check without the assumption of normality; the plan's decision is p_t's): exact")
        .append(" two-sided Mann-Whitney U over the same")
        .append(" seeds' scores, unpaired, ties at their average rank; its smallest possible value is 2/252 ≈ 0.008")
        .append(" with 5 seeds against 5, 0.10 with 3 against 3.\n")
        .append("- **Holm**: each of the two p-values adjusted by Holm-Bonferroni within a family. The average")
        .append(" is each comparison's primary test: one family of the averages of all the table's comparisons,")
        .append(" which for the paper's Tables 1, 3 and 4 are the families of the analysis plan (P1 or P2, P3, P5,")
        .append(" P4).")
        .append(" A comparison's task columns are secondary: one family of its tasks. Tests with one seed are")
        .append(" left out (–). `*` after a Holm p: below 0.05.\n")
        .append("- **p_boot, 95% interval** (secondary: over dev examples, models fixed): paired bootstrap, ")
        .append(resamples).append(" resamples of every task's dev examples, each method's seeds averaged on the")
        .append(" same draws, two-sided. It says how sure the difference is on this dev set for these trained")
        .append(" models, not whether it holds for new training runs.\n");
    for (Table table : tables()) {
      List<Test> tests = tests(table);
      if (tests.isEmpty()) {
        continue;
      }
      long pairs = tests.stream().map(Test::pair).distinct().count();
      long averages = tests.stream().filter(t -> t.task() == null && !Double.isNaN(t.holmT())).count();
      md.append("\n#### ").append(table.title()).append(String.format(Locale.ROOT,
          ": %d comparison%s; Holm family of %d average%s (primary), of %d tasks per comparison (secondary)%n%n",
          pairs, pairs == 1 ? "" : "s", averages, averages == 1 ? "" : "s", tasks.size()));
      md.append("| A | vs B | task | n | Δ | p_t | p_t Holm | p_MWU | p_MWU Holm | p_boot (secondary) |")
          .append(" 95% interval (secondary) |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
      for (Test t : tests) {
        Comparison c = t.comparison();
        md.append(String.format(Locale.ROOT,
            "| %s | %s | %s | %d | %+.1f | %s | %s | %s | %s | %s | [%+.1f, %+.1f] |%n",
            t.pair().a().label(), t.pair().b().label(), t.task() == null ? "**" + shortAverageLabel() + "**"
                : t.task(), c.n(), 100 * c.difference(), c.pairedT() == null ? "–" : p(c.pairedT().pValue()),
            holm(t.holmT()), p(c.mannWhitney().pValue()), holm(t.holmMannWhitney()), p(c.bootstrap().pValue()),
            100 * c.bootstrap().low(), 100 * c.bootstrap().high()));
      }
    }
    return md.toString();
  }

  /** A p-value with three decimals; below 0.001 as "<0.001". */
  static String p(double value) {
    return value < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", value);
  }

  private static String holm(double value) {
    return Double.isNaN(value) ? "–" : p(value) + (value < ALPHA ? "*" : "");
  }

  /**
   * The results as JSON: the tasks and what the average covers; per method, per task and the average, every
   * seed's score; the majority-class baseline; every table's tests with their p-values.
   */
  JsonObject json() {
    JsonObject root = new JsonObject();
    JsonArray taskNames = new JsonArray();
    tasks.forEach(taskNames::add);
    root.add("tasks", taskNames);
    root.addProperty("average", averageLabel());
    JsonObject majority = new JsonObject();
    for (String task : taskColumns()) {
      double v = majorityScore(task);
      if (!Double.isNaN(v)) {
        majority.addProperty(task == null ? "average" : task, v);
      }
    }
    root.add("majority_class", majority);
    FloorReport floorReport = floors();
    if (floorReport != null) {
      root.add("floors", floorReport.json());
    }
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
    JsonArray tests = new JsonArray();
    for (Table table : tables()) {
      for (Test t : tests(table)) {
        Comparison c = t.comparison();
        JsonObject o = new JsonObject();
        o.addProperty("table", table.title());
        o.addProperty("a", t.pair().a().dirName());
        o.addProperty("b", t.pair().b().dirName());
        o.addProperty("task", t.task() == null ? "average" : t.task());
        o.addProperty("n", c.n());
        o.addProperty("difference", c.difference());
        if (c.pairedT() != null) {
          o.addProperty("p_t", c.pairedT().pValue());
          o.addProperty("p_t_holm", t.holmT());
          o.addProperty("p_mwu_holm", t.holmMannWhitney());
          o.addProperty("holm_family", t.task() == null ? "the table's averages" : "the comparison's tasks");
        }
        o.addProperty("p_mwu", c.mannWhitney().pValue());
        o.addProperty("p_boot", c.bootstrap().pValue());
        o.addProperty("boot_low", c.bootstrap().low());
        o.addProperty("boot_high", c.bootstrap().high());
        tests.add(o);
      }
    }
    root.add("tests", tests);
    return root;
  }

  /** The plots by file name. */
  Map<String, String> plots() {
    Map<String, String> plots = new TreeMap<>();
    List<String> columns = new ArrayList<>(tasks);
    columns.add(shortAverageLabel());
    BarChart perTask = BarChart.of("Dev score by task, mean ± std over seeds", columns)
        .yLabel("dev score × 100").size(900, 420);
    for (StudyMethod m : TABLE_1) {
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
    List<StudyMethod> ablations = ABLATIONS.methods();
    List<String> ablationNames = ablations.stream().filter(runs::containsKey).map(StudyMethod::label).toList();
    if (!ablationNames.isEmpty()) {
      double[] means = ablations.stream().filter(runs::containsKey)
          .mapToDouble(m -> 100 * mean(seedScores(m, null))).toArray();
      double[] stds = ablations.stream().filter(runs::containsKey)
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
