package io.github.bamjava.glue;

import io.github.bamjava.io.AtomicFiles;
import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.eval.MajorityClass;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.TaskMetric;
import io.github.bamjava.task.Task;
import io.github.bamjava.train.BamModel;
import io.github.bamjava.train.BornAgainTrainer;
import io.github.bamjava.train.ConsoleProgress;
import io.github.bamjava.train.OutputLock;
import io.github.bamjava.train.RunConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The whole BAM pipeline on a GLUE directory in one call: single-task teachers, their predictions, the
 * multi-task student distilled from them with teacher annealing, optional single-task fine-tuning, dev scores
 * of every method and the GLUE submission files.
 *
 * <pre>{@code
 * GlueBam.Result result = GlueBam.builder()
 *     .setGlueDir(Path.of("glue_data"))
 *     .setOutputDir(Path.of("bam-run"))
 *     .optPreset(Preset.LEARNING)
 *     .build()
 *     .run();
 * System.out.println(result.markdown());
 * }</pre>
 *
 * <p>The output directory holds:
 *
 * <pre>
 * teachers/&lt;task&gt;/                     a teacher's training run; its model in model/
 * teachers/&lt;task&gt;.predictions.safetensors its outputs on the task's training examples
 * student/                              the multi-task student's run; its model in model/
 * finetune/&lt;task&gt;/                     the student fine-tuned on one task (when fine-tuning is on)
 * results.md, results.json               dev scores: one column per method
 * submission/                            GLUE test predictions of the final model(s), AX by the MNLI head; only
 *                                        this run's files (an earlier run's others are deleted)
 * </pre>
 *
 * <p>Running again into the same directory continues where the last run stopped: a finished teacher whose
 * settings and data are unchanged is reused, valid prediction files are reused, and interrupted trainings resume
 * from their last checkpoint. A teacher, student or fine-tuning run whose settings or data changed (its
 * {@code run-config.json} says) is trained again from the start, and the log says what changed.
 */
public final class GlueBam {

  /**
   * The column name of the majority-class baseline in results: always the most frequent training label of the
   * task, scored on the same dev rows. A regression task has none and scores 0 there.
   */
  public static final String MAJORITY = "Majority class";
  /** The column name of the single-task teachers in results. */
  public static final String SINGLE = "Single";
  /** The column name of the multi-task student in results. */
  public static final String BAM = "BAM";
  /** The column name of the fine-tuned student in results. */
  public static final String BAM_FINETUNED = "BAM+FT";

  private static final String SWAPPED_SUFFIX = "-swapped";

  private final Builder cfg;
  private final PrintStream log;

  private GlueBam(Builder cfg) {
    this.cfg = cfg;
    this.log = cfg.progress == null ? new PrintStream(PrintStream.nullOutputStream()) : cfg.progress;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs (or continues) the pipeline; see the class comment for what it writes.
   *
   * @throws java.nio.file.NoSuchFileException naming the expected file when a task's data is missing
   * @throws GlueFormatException naming file and line for a malformed row
   */
  public Result run() throws IOException {
    Files.createDirectories(cfg.outputDir);
    // A second pipeline into the same directory, with other settings, would restart runs under this one.
    try (OutputLock lock = OutputLock.acquire(cfg.outputDir)) {
      return runLocked();
    }
  }

  private Result runLocked() throws IOException {
    long started = System.nanoTime();
    Path out = cfg.outputDir;
    GlueReader reader = GlueReader.builder(cfg.glueDir).optTrainBudget(cfg.preset.trainBudget()).build();
    List<Entry> entries = readTasks(reader);
    List<Task> tasks = entries.stream().map(Entry::task).toList();
    log.printf(Locale.ROOT, "BAM on %d task(s): %s; preset %s; encoder %s%n", tasks.size(),
        String.join(", ", entries.stream().map(e -> e.task().name()).toList()), cfg.preset.name(),
        cfg.encoder.describe());

    Map<String, TeacherPredictions> teachers = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      Task task = tasks.get(i);
      List<TeacherPredictions> members = new ArrayList<>();
      for (int k = 0; k < cfg.teachersPerTask; k++) {
        String prefix = String.format(Locale.ROOT, "teacher %d/%d: %s", i + 1, tasks.size(), memberName(task, k));
        Path teacherModel = trainTeacher(task, k, prefix);
        members.add(teacherPredictions(task, k, teacherModel, prefix));
      }
      // An ensemble teaches with the mean of its members' probabilities.
      teachers.put(task.name(), members.size() == 1 ? members.get(0) : TeacherPredictions.average(members));
    }

    Path studentDir = out.resolve("student");
    log.printf(Locale.ROOT, "student: %d tasks, %d training examples, distilled from %d teachers -> %s%n",
        tasks.size(), tasks.stream().mapToInt(t -> t.train().size()).sum(), teachers.size(), studentDir);
    BornAgainTrainer.Builder studentBuilder = trainer(cfg.encoder, cfg.preset.student(), studentDir)
        .addTasks(tasks);
    teachers.forEach(studentBuilder::optTeacher);
    BornAgainTrainer student = studentBuilder.build();
    boolean studentIsNew = restartIfChanged(student, "student")
        || !Files.isRegularFile(studentDir.resolve("model").resolve(BamModel.TASKS_JSON));
    if (studentIsNew) {
      // Fine-tuned models start from the student: a new student makes them stale.
      AtomicFiles.deleteRecursively(out.resolve("finetune"));
    }
    Path studentModel = student.train().modelDir();

    Map<String, Path> finetuned = new LinkedHashMap<>();
    if (cfg.finetune) {
      for (int i = 0; i < tasks.size(); i++) {
        Task task = tasks.get(i);
        Path dir = out.resolve("finetune").resolve(task.name());
        log.printf(Locale.ROOT, "fine-tune %d/%d: %s -> %s%n", i + 1, tasks.size(), task.name(), dir);
        BornAgainTrainer fine = trainer(EncoderSource.huggingFace(studentModel), cfg.preset.finetune(), dir)
            .addTask(task).build();
        restartIfChanged(fine, "fine-tune " + task.name());
        finetuned.put(task.name(), fine.train().modelDir());
      }
    }

    log.println("evaluating on dev");
    Map<String, GlueScore> scores = new LinkedHashMap<>();
    scores.put(MAJORITY, majority(entries));
    scores.put(SINGLE, evaluate(entries, name -> teacherModelDir(name)));
    scores.put(BAM, evaluate(entries, name -> studentModel));
    if (cfg.finetune) {
      scores.put(BAM_FINETUNED, evaluate(entries, finetuned::get));
    }
    Function<String, Path> finalModel = cfg.finetune ? finetuned::get : name -> studentModel;
    List<Path> submissions = writeSubmissions(entries, reader, finalModel, out.resolve("submission"));

    Result result = new Result(ImmutableMap.copyOf(scores), out, studentModel, ImmutableMap.copyOf(finetuned),
        ImmutableList.copyOf(submissions), (System.nanoTime() - started) / 1e9);
    AtomicFiles.writeString(out.resolve("results.md"), result.markdown());
    AtomicFiles.writeString(out.resolve("results.json"), result.json(cfg.preset));
    log.printf(Locale.ROOT, "done in %.0f s: %s, %s, %d submission file(s) in %s%n", result.seconds(),
        out.resolve("results.md"), out.resolve("results.json"), submissions.size(), out.resolve("submission"));
    return result;
  }

  /**
   * A task to train: a GLUE task read from the directory, or a user's own task ({@code glue} null), with the
   * task's other dev sets (MNLI-mm's), read once and scored by every method.
   */
  private record Entry(@Nullable GlueTask glue, Task task, Map<GlueEvalSet, List<Example>> otherDev) {}

  private List<Entry> readTasks(GlueReader reader) throws IOException {
    List<GlueTask> glueTasks = new ArrayList<>(cfg.tasks);
    if (glueTasks.isEmpty() && cfg.customTasks.isEmpty()) {
      glueTasks.addAll(GlueReader.availableTasks(cfg.glueDir));
      checkArgument(!glueTasks.isEmpty(), "no GLUE task found in %s: expected <dir>/<Task>/train.tsv and dev.tsv"
          + " (for example %s)", cfg.glueDir.toAbsolutePath(), cfg.glueDir.resolve("SST-2/train.tsv"));
    }
    List<Entry> entries = new ArrayList<>();
    for (GlueTask g : glueTasks) {
      Task task = reader.read(g);
      Map<GlueEvalSet, List<Example>> otherDev = readOtherEvalSets(reader, g);
      if (cfg.symmetric && g.symmetricPair()) {
        task = withSwappedPairs(task);
      }
      entries.add(new Entry(g, task, otherDev));
    }
    for (Task custom : cfg.customTasks) {
      checkArgument(entries.stream().noneMatch(e -> e.task().name().equals(custom.name())),
          "custom task %s has the name of a GLUE task in this run", custom.name());
      checkArgument(!custom.dev().isEmpty(), "custom task %s has no dev examples to evaluate on", custom.name());
      entries.add(new Entry(null, custom, Map.of()));
    }
    return entries;
  }

  /**
   * Reads the evaluation files that {@link GlueReader#read} leaves out (MNLI-mm's dev and test, AX) before
   * training, because a malformed, empty or non-UTF-8 one must stop the run before hours of training, not
   * after. Returns the dev sets (scored after training); test sets are read again when predicted.
   */
  private static Map<GlueEvalSet, List<Example>> readOtherEvalSets(GlueReader reader, GlueTask task)
      throws IOException {
    Map<GlueEvalSet, List<Example>> dev = new LinkedHashMap<>();
    for (GlueEvalSet set : task.evalSets()) {
      if (set == task.primaryEvalSet()) {
        continue;
      }
      if (reader.hasDev(set)) {
        dev.put(set, reader.readDev(set));
      }
      if (reader.hasTest(set)) {
        reader.readTest(set);
      }
    }
    return dev;
  }

  /**
   * The task with every training pair also present in the other order (ids suffixed {@value #SWAPPED_SUFFIX}),
   * as the original BAM code trains MRPC and STS-B: their label does not depend on the order, so the copies
   * are free extra data and teach the model that.
   */
  static Task withSwappedPairs(Task task) {
    List<Example> train = new ArrayList<>(task.train());
    for (Example e : task.train()) {
      checkArgument(e.isPair(), "task %s: example %s is not a pair and cannot be swapped", task.name(), e.id());
      train.add(Example.pair(e.id() + SWAPPED_SUFFIX, e.textB(), e.textA(), e.label()));
    }
    return Task.builder(task.name(), task.kind())
        .setTrain(train)
        .optDev(task.dev())
        .optTest(task.test())
        .optMetrics(task.metrics().toArray(new TaskMetric[0]))
        .build();
  }

  /** A manager on the run's device, for a loaded model: teacher predictions and evaluation run there too. */
  private NDManager newManager() {
    return cfg.device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(cfg.device);
  }

  /** The first teacher's model: the Single model of the task. */
  private Path teacherModelDir(String task) {
    return cfg.outputDir.resolve("teachers").resolve(task).resolve("model");
  }

  /** Member k of a task's teachers: the task's name for the first, then SST-2-2, SST-2-3, … */
  private static String memberName(Task task, int k) {
    return k == 0 ? task.name() : task.name() + "-" + (k + 1);
  }

  /**
   * Trains member {@code k} of the task's teachers (seed: the run's seed + k) unless a finished one with the same
   * settings and data is there; returns its model directory. A teacher whose settings or data changed is trained
   * again, and its predictions with it.
   */
  private Path trainTeacher(Task task, int k, String prefix) throws IOException {
    Path dir = cfg.outputDir.resolve("teachers").resolve(memberName(task, k));
    Path model = dir.resolve("model");
    BornAgainTrainer teacher = trainer(cfg.encoder, cfg.preset.teacher(), dir).addTask(task).optSeed(cfg.seed + k)
        .build();
    boolean changed = restartIfChanged(teacher, prefix);
    if (!changed && Files.isRegularFile(model.resolve(BamModel.TASKS_JSON))) {
      log.printf(Locale.ROOT, "%s: reusing the finished teacher in %s%n", prefix, model);
      return model;
    }
    Files.deleteIfExists(predictionsFile(task, k));
    log.printf(Locale.ROOT, "%s (%d train, %d dev) -> %s%n", prefix, task.train().size(), task.dev().size(), dir);
    return teacher.train().modelDir();
  }

  /**
   * Deletes a run's output directory when it holds a run with other settings or data (logging what changed), so
   * that the run starts afresh rather than reusing or resuming a stale one; returns whether it did.
   */
  private boolean restartIfChanged(BornAgainTrainer trainer, String prefix) throws IOException {
    List<String> changes = RunConfig.changesFrom(trainer.settings());
    if (changes.isEmpty()) {
      return false;
    }
    log.printf(Locale.ROOT, "%s: training again, the run in %s has other settings or data:%n  %s%n", prefix,
        trainer.settings().outputDir(), String.join("\n  ", changes));
    AtomicFiles.deleteRecursively(trainer.settings().outputDir());
    return true;
  }

  private Path predictionsFile(Task task, int k) {
    return cfg.outputDir.resolve("teachers").resolve(memberName(task, k) + ".predictions.safetensors");
  }

  /** A teacher's outputs on the task's training examples, read back when a valid file is there. */
  private TeacherPredictions teacherPredictions(Task task, int k, Path teacherModel, String prefix)
      throws IOException {
    Path file = predictionsFile(task, k);
    if (Files.isRegularFile(file)) {
      try {
        TeacherPredictions saved = TeacherPredictions.read(file);
        saved.checkMatches(task, task.train());
        log.printf(Locale.ROOT, "%s: reusing predictions %s%n", prefix, file);
        return saved;
      } catch (IOException | IllegalArgumentException e) {
        // A file from other examples (another cap) or a torn write: predict again rather than fail.
        log.printf(Locale.ROOT, "%s: predicting again, %s is not usable (%s)%n", prefix, file, e.getMessage());
      }
    }
    TeacherPredictions predictions;
    try (BamModel model = BamModel.load(teacherModel, newManager())) {
      predictions = model.teacherPredictions(task, cfg.preset.maxLength());
    }
    predictions.write(file);
    log.printf(Locale.ROOT, "%s: predictions on %d training examples -> %s%n", prefix, predictions.size(), file);
    return predictions;
  }

  private BornAgainTrainer.Builder trainer(EncoderSource encoder, Preset.Stage stage, Path dir) {
    BornAgainTrainer.Builder b = cfg.preset.trainer(stage)
        .setEncoder(encoder)
        .setOutputDir(dir)
        .optSeed(cfg.seed);
    if (cfg.device != null) {
      b.optDevice(cfg.device);
    }
    b.optMixedPrecision(cfg.mixedPrecision);
    if (cfg.progress != null) {
      b.addListener(new ConsoleProgress(cfg.progress, System.console() != null, 10));
    }
    return b;
  }

  /** Dev scores of every task (and MNLI-mm when its dev file is there), each by the model {@code modelOf} names. */
  private GlueScore evaluate(List<Entry> entries, Function<String, Path> modelOf) throws IOException {
    GlueScore.Builder score = GlueScore.builder();
    Map<Path, List<Entry>> byModel = groupByModel(entries, modelOf);
    Map<String, List<Map.Entry<String, Map<String, Double>>>> rows = new LinkedHashMap<>();
    for (Map.Entry<Path, List<Entry>> group : byModel.entrySet()) {
      try (BamModel model = BamModel.load(group.getKey(), newManager())) {
        for (Entry e : group.getValue()) {
          Task task = e.task();
          List<Map.Entry<String, Map<String, Double>>> taskRows = new ArrayList<>();
          float[][] outputs = model.predict(task.name(), task.dev(), cfg.preset.maxLength());
          taskRows.add(Map.entry(rowName(e), Evaluation.score(task, task.dev(), outputs)));
          for (Map.Entry<GlueEvalSet, List<Example>> other : e.otherDev().entrySet()) {
            float[][] otherOutputs = model.predict(task.name(), other.getValue(), cfg.preset.maxLength());
            taskRows.add(Map.entry(other.getKey().displayName(),
                Evaluation.score(task, other.getValue(), otherOutputs)));
          }
          rows.put(task.name(), taskRows);
        }
      }
    }
    // Rows in task order, whatever order the models were loaded in.
    for (Entry e : entries) {
      for (Map.Entry<String, Map<String, Double>> row : rows.get(e.task().name())) {
        score.add(row.getKey(), taskColumn(e), row.getValue());
      }
    }
    return score.build();
  }

  /** The dev scores of always predicting each task's majority class; see {@link #MAJORITY}. */
  private static GlueScore majority(List<Entry> entries) {
    GlueScore.Builder score = GlueScore.builder();
    for (Entry e : entries) {
      Optional<MajorityClass> majority = MajorityClass.of(e.task());
      score.add(rowName(e), taskColumn(e), baseline(e.task(), majority, e.task().dev()));
      e.otherDev().forEach((set, dev) ->
          score.add(set.displayName(), taskColumn(e), baseline(e.task(), majority, dev)));
    }
    return score.build();
  }

  /** A constant prediction's correlation is undefined: a task without a majority class scores 0. */
  private static Map<String, Double> baseline(Task task, Optional<MajorityClass> majority, List<Example> dev) {
    if (majority.isPresent()) {
      return majority.get().score(task, dev);
    }
    Map<String, Double> zero = new LinkedHashMap<>();
    task.metrics().forEach(m -> zero.put(m.name(), 0.0));
    return zero;
  }

  /** The results row of a task's main dev set: "MNLI-m" for MNLI, the task's own name for a user's task. */
  private static String rowName(Entry e) {
    return e.glue() == null ? e.task().name() : e.glue().primaryEvalSet().displayName();
  }

  /** The task a row counts for in the GLUE score. */
  private static String taskColumn(Entry e) {
    return e.glue() == null ? e.task().name() : e.glue().dirName();
  }

  /**
   * Writes the submission file of every GLUE evaluation set whose test file is present, and deletes the other sets'
   * files there, so that {@code dir} holds this run's submission and nothing else.
   */
  private List<Path> writeSubmissions(List<Entry> entries, GlueReader reader, Function<String, Path> modelOf,
      Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    List<Entry> glue = entries.stream().filter(e -> e.glue() != null).toList();
    for (Map.Entry<Path, List<Entry>> group : groupByModel(glue, modelOf).entrySet()) {
      try (BamModel model = BamModel.load(group.getKey(), newManager())) {
        for (Entry e : group.getValue()) {
          for (GlueEvalSet set : e.glue().evalSets()) {
            if (!reader.hasTest(set)) {
              continue;
            }
            List<Example> test = reader.readTest(set);
            float[][] outputs = model.predict(e.task().name(), test, cfg.preset.maxLength());
            double[] predictions = new double[outputs.length];
            for (int i = 0; i < outputs.length; i++) {
              predictions[i] = Evaluation.prediction(e.task().kind(), outputs[i]);
            }
            files.add(SubmissionWriter.write(dir, set, test, predictions));
          }
        }
      }
    }
    // A file left by an earlier run on other tasks (or test files) comes from another model: uploaded with this
    // run's files, it would score a model that is no longer there.
    for (GlueEvalSet set : GlueEvalSet.values()) {
      Path file = dir.resolve(set.submissionFile());
      if (!files.contains(file)) {
        Files.deleteIfExists(file);
      }
    }
    return files;
  }

  /** Tasks grouped by the model that predicts them, so that each model is loaded once. */
  private static Map<Path, List<Entry>> groupByModel(List<Entry> entries, Function<String, Path> modelOf) {
    Map<Path, List<Entry>> byModel = new LinkedHashMap<>();
    for (Entry e : entries) {
      byModel.computeIfAbsent(modelOf.apply(e.task().name()), p -> new ArrayList<>()).add(e);
    }
    return byModel;
  }

  /**
   * What a run produced.
   *
   * @param scores dev scores by method, in column order: {@value #MAJORITY} (the baseline), {@value #SINGLE}
   *     (the teachers), {@value #BAM} (the student) and, with fine-tuning, {@value #BAM_FINETUNED}
   * @param outputDir the run's output directory
   * @param studentModel the multi-task student's saved model
   * @param finetunedModels the fine-tuned models by task; empty without fine-tuning
   * @param submissionFiles the GLUE submission files written
   * @param seconds the wall time of {@link #run()}
   */
  public record Result(Map<String, GlueScore> scores, Path outputDir, Path studentModel,
      Map<String, Path> finetunedModels, List<Path> submissionFiles, double seconds) {

    /**
     * The results as Markdown: a table with one row per evaluation set and one column per method (scores times
     * 100), the GLUE score of each method, then each method's table with every metric.
     */
    public String markdown() {
      List<String> methods = List.copyOf(scores.keySet());
      GlueScore first = scores.get(methods.get(0));
      StringBuilder md = new StringBuilder("| Task |");
      methods.forEach(m -> md.append(' ').append(m).append(" |"));
      md.append("\n|---|").append("---:|".repeat(methods.size())).append('\n');
      for (int r = 0; r < first.rows().size(); r++) {
        md.append("| ").append(first.rows().get(r).name()).append(" |");
        for (String m : methods) {
          md.append(' ').append(percent(scores.get(m).rows().get(r).score())).append(" |");
        }
        md.append('\n');
      }
      md.append("| **GLUE score** |");
      methods.forEach(m -> md.append(" **").append(percent(scores.get(m).glueScore())).append("** |"));
      md.append('\n');
      if (scores.containsKey(MAJORITY)) {
        md.append("\n").append(MAJORITY).append(": always the most frequent label of the task's training examples,"
            + " scored on the same dev rows; a regression task (STS-B) has none and counts 0.\n");
      }
      for (String m : methods) {
        md.append("\n### ").append(m).append("\n\n").append(scores.get(m).toMarkdown());
      }
      return md.toString();
    }

    /** The results as JSON: the preset's name and each method's {@link GlueScore#toJson()}. */
    String json(Preset preset) {
      JsonObject root = new JsonObject();
      root.addProperty("preset", preset.name());
      JsonObject methods = new JsonObject();
      scores.forEach((m, s) -> methods.add(m, JsonParser.parseString(s.toJson())));
      root.add("methods", methods);
      root.addProperty("seconds", seconds);
      return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
    }

    private static String percent(double value) {
      return String.format(Locale.ROOT, "%.1f", 100 * value);
    }
  }

  /** Settings of a run; the GLUE and output directories are required, the rest have defaults. */
  public static final class Builder {
    private Path glueDir;
    private Path outputDir;
    private final EnumSet<GlueTask> tasks = EnumSet.noneOf(GlueTask.class);
    private final List<Task> customTasks = new ArrayList<>();
    private EncoderSource encoder = EncoderSource.miniLm();
    private Preset preset = Preset.LEARNING;
    private boolean symmetric;
    private @Nullable Device device;
    private boolean mixedPrecision;
    private int teachersPerTask = 1;
    private boolean finetune;
    private long seed;
    private @Nullable PrintStream progress = System.out;

    private Builder() {}

    /** The GLUE directory in the standard layout (required). */
    public Builder setGlueDir(Path dir) {
      this.glueDir = requireNonNull(dir, "dir");
      return this;
    }

    /** Where everything is written (required); see the class comment for the layout. */
    public Builder setOutputDir(Path dir) {
      this.outputDir = requireNonNull(dir, "dir");
      return this;
    }

    /** The GLUE tasks to train, run and reported in GLUE's order; default every task found in the GLUE directory. */
    public Builder optTasks(Iterable<GlueTask> glueTasks) {
      tasks.clear();
      glueTasks.forEach(t -> tasks.add(requireNonNull(t, "task")));
      return this;
    }

    /**
     * A task of the user's own, trained, distilled and scored alongside the GLUE tasks (it needs dev examples).
     * It gets no submission file. With custom tasks and no {@link #optTasks}, no GLUE task is added by default.
     */
    public Builder addCustomTask(Task task) {
      customTasks.add(requireNonNull(task, "task"));
      return this;
    }

    /** The pretrained encoder of teachers and student; default {@link EncoderSource#miniLm()}. */
    public Builder optEncoder(EncoderSource source) {
      this.encoder = requireNonNull(source, "source");
      return this;
    }

    /** The hyper-parameters; default {@link Preset#LEARNING}. */
    public Builder optPreset(Preset p) {
      this.preset = requireNonNull(p, "preset");
      return this;
    }

    /**
     * How many teachers each task has; default 1. With more, teacher k is trained with seed + k and the student
     * distils from the mean of their predictions (an ensemble teacher); the first is the task's Single model.
     */
    public Builder optTeachersPerTask(int n) {
      checkArgument(n >= 1, "a task needs at least one teacher, got %s", n);
      this.teachersPerTask = n;
      return this;
    }

    /** The device every model trains and predicts on; default DJL's default device. */
    public Builder optDevice(Device d) {
      this.device = requireNonNull(d, "device");
      return this;
    }

    /**
     * Whether every model trains in FP16 mixed precision ({@link BornAgainTrainer.Builder#optMixedPrecision});
     * default false. GPU only: {@link #build()} refuses it on a CPU. Predictions and evaluation run in FP32.
     */
    public Builder optMixedPrecision(boolean mixed) {
      this.mixedPrecision = mixed;
      return this;
    }

    /** Whether MRPC and STS-B also train on each pair in the other order; default false. */
    public Builder optSymmetricPairs(boolean swap) {
      this.symmetric = swap;
      return this;
    }

    /** Whether to fine-tune the student on each task after multi-task training; default false. */
    public Builder optFinetune(boolean fine) {
      this.finetune = fine;
      return this;
    }

    /** The seed of every training run; default 0. */
    public Builder optSeed(long s) {
      this.seed = s;
      return this;
    }

    /** Where progress lines and bars go; default {@code System.out}, null for none. */
    public Builder optProgress(@Nullable PrintStream out) {
      this.progress = out;
      return this;
    }

    public GlueBam build() {
      checkState(glueDir != null, "setGlueDir(...) is required");
      checkState(outputDir != null, "setOutputDir(...) is required");
      checkArgument(Files.isDirectory(glueDir), "GLUE directory %s does not exist or is not a directory",
          glueDir.toAbsolutePath());
      if (mixedPrecision) {
        BornAgainTrainer.checkMixedPrecisionDevice(device);
      }
      return new GlueBam(this);
    }
  }
}
