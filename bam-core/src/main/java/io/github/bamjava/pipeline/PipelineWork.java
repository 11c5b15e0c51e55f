package io.github.bamjava.pipeline;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.bamjava.distill.PredictionShard;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.task.Task;
import io.github.bamjava.train.BornAgainTrainer;
import io.github.bamjava.train.RunListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The units of a pipeline run ({@link PipelineUnit}) and the one place that decides what each needs, whether it is
 * done, and how it is done. {@link BamPipeline} runs the units one after the other in one process; a cluster
 * driver (bam-spark) runs them as separate tasks in the order their inputs allow. Either way a unit's outputs are
 * the same files in the output directory (see {@link BamPipeline}), so the two can continue each other's runs.
 *
 * <p>A unit is done when its outputs are there, readable, and made from the same settings and data: a trainer's
 * run with the same {@code run-config.json} key and a model whose weights file is whole; a predictions file that
 * reads back and matches the task's training examples. Anything else is pending and {@link #run} does it again:
 * a run with other settings or an unreadable model from the start, an interrupted training from its last
 * checkpoint. This class takes no lock: the caller holds the output directory's for the whole run.
 */
public final class PipelineWork implements WorkPlan<PipelineUnit> {

  private final Path outputDir;
  private final PipelineSettings settings;
  private final List<PipelineTask> entries;
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private final @Nullable PrintStream progress;
  private final PrintStream log;
  private final Function<PipelineUnit, List<RunListener>> listeners;
  private final StageTrainer stages;
  /**
   * Units found done: a done unit stays done for the rest of the run (only a pending teacher deletes outputs, its
   * own predictions'), and checking one again would read every file it depends on again.
   */
  private final Set<PipelineUnit> done = ConcurrentHashMap.newKeySet();

  /**
   * The units of a run of {@code tasks} into {@code outputDir}.
   *
   * @param progress where progress lines and bars go, or null for none
   * @throws IllegalArgumentException for no tasks, two tasks of one name, or a task without dev examples
   */
  public PipelineWork(Path outputDir, PipelineSettings settings, List<PipelineTask> tasks,
      @Nullable PrintStream progress) {
    this(outputDir, settings, tasks, progress, unit -> List.of());
  }

  private PipelineWork(Path outputDir, PipelineSettings settings, List<PipelineTask> tasks,
      @Nullable PrintStream progress, Function<PipelineUnit, List<RunListener>> listeners) {
    this.outputDir = requireNonNull(outputDir, "outputDir");
    this.settings = requireNonNull(settings, "settings");
    this.entries = List.copyOf(tasks);
    this.progress = progress;
    this.log = progress == null ? new PrintStream(PrintStream.nullOutputStream()) : progress;
    this.listeners = requireNonNull(listeners, "listeners");
    this.stages = new StageTrainer(settings, progress, 10);
    checkArgument(!entries.isEmpty(), "no tasks to train");
    Set<String> names = new HashSet<>();
    for (PipelineTask t : entries) {
      checkArgument(names.add(t.name()), "two tasks are named %s; task names must be unique", t.name());
      checkArgument(!t.task().dev().isEmpty(), "task %s has no dev examples to evaluate on", t.name());
      this.tasks.put(t.name(), t.task());
    }
  }

  /**
   * These units with training listeners of the caller's for each unit that trains (after the progress bar): a
   * cluster's progress reports, or a test's fault.
   */
  @Override
  public PipelineWork withListeners(Function<PipelineUnit, List<RunListener>> unitListeners) {
    return new PipelineWork(outputDir, settings, entries, progress, unitListeners);
  }

  /** These units with their trainings and predictions on {@code device}; the settings' device when null. */
  @Override
  public PipelineWork withDevice(@Nullable Device device) {
    return device == null ? this
        : new PipelineWork(outputDir, settings.withDevice(device), entries, progress, listeners);
  }

  /** The run's output directory. */
  @Override
  public Path outputDir() {
    return outputDir;
  }

  /** The run's settings. */
  public PipelineSettings settings() {
    return settings;
  }

  /** The run's tasks, in their order. */
  public List<PipelineTask> tasks() {
    return entries;
  }

  /**
   * Every unit in an order that runs each after its inputs: each task's teachers, each followed by its
   * predictions (the shards of a large training set, then their merge), then the student, then the fine-tunings
   * (when fine-tuning is on).
   */
  @Override
  public List<PipelineUnit> units() {
    List<PipelineUnit> out = new ArrayList<>();
    for (String task : tasks.keySet()) {
      for (int k = 0; k < settings.teachersPerTask(); k++) {
        out.add(PipelineUnit.teacher(task, k));
        out.addAll(shards(task, k));
        out.add(PipelineUnit.predictions(task, k));
      }
    }
    out.add(PipelineUnit.student());
    if (settings.finetune()) {
      tasks.keySet().forEach(task -> out.add(PipelineUnit.finetune(task)));
    }
    return out;
  }

  /**
   * The characters of the unit's task's training texts, each example counted up to what the max length keeps
   * (about 8 characters a token, generously): the work of a teacher or its predictions grows with it. The student
   * and the fine-tunings, which no unit runs beside, count 0.
   */
  @Override
  public long size(PipelineUnit unit) {
    checkUnit(unit);
    if (unit.kind() == PipelineUnit.Kind.STUDENT || unit.kind() == PipelineUnit.Kind.FINETUNE) {
      return 0;
    }
    long cap = 8L * settings.recipe().maxLength();
    long size = 0;
    for (var e : tasks.get(unit.task()).train()) {
      size += Math.min(cap, e.textA().length() + (e.textB() == null ? 0 : e.textB().length()));
    }
    return size;
  }

  /** The units whose outputs {@code unit} reads. */
  @Override
  public List<PipelineUnit> inputs(PipelineUnit unit) {
    checkUnit(unit);
    return switch (unit.kind()) {
      case TEACHER -> List.of();
      case SHARD -> List.of(PipelineUnit.teacher(unit.task(), unit.member()));
      case PREDICTIONS -> {
        List<PipelineUnit> shards = shards(unit.task(), unit.member());
        yield shards.isEmpty() ? List.of(PipelineUnit.teacher(unit.task(), unit.member())) : shards;
      }
      case STUDENT -> units().stream().filter(u -> u.kind() == PipelineUnit.Kind.PREDICTIONS).toList();
      case FINETUNE -> List.of(PipelineUnit.student());
    };
  }

  /**
   * What a cluster's machines must agree on before they work on this run: the settings and data of every
   * teacher and of the student (their run keys) and the fine-tuning stage. Each machine builds its run from the
   * shared files itself; a machine that sees other data or settings (another version of a data file, another
   * build) has another key and must refuse to write into the run.
   */
  @Override
  public JsonObject key() {
    JsonObject key = new JsonObject();
    JsonArray teachers = new JsonArray();
    for (PipelineUnit u : units()) {
      if (u.kind() == PipelineUnit.Kind.TEACHER) {
        teachers.add(teacherTrainer(u).settings().runKey());
      }
    }
    key.add("teachers", teachers);
    key.add("student", stages.trainer(new StageRun(settings.recipe().student(), settings.encoder(),
        List.copyOf(tasks.values()), Map.of(), settings.seed(), outputDir.resolve("student"))).settings().runKey());
    Stage fine = settings.recipe().finetune();
    key.addProperty("finetune", settings.finetune() ? String.format(Locale.ROOT, "lr %s, batch %d, epochs %d",
        fine.learningRate(), fine.batchSize(), fine.epochs()) : "off");
    return key;
  }

  /**
   * Why {@code unit} must run, or empty when it is done: its outputs are there, whole, and from the same settings
   * and data (see the class comment). A unit whose inputs are pending is pending too.
   */
  @Override
  public Optional<String> pending(PipelineUnit unit) {
    checkUnit(unit);
    if (done.contains(unit)) {
      return Optional.empty();
    }
    for (PipelineUnit input : inputs(unit)) {
      if (pending(input).isPresent()) {
        return Optional.of("its input " + input + " is not done");
      }
    }
    Optional<String> why = switch (unit.kind()) {
      case TEACHER -> StageTrainer.pending(teacherTrainer(unit));
      case SHARD -> shardPending(unit);
      case PREDICTIONS -> predictionsPending(unit);
      case STUDENT -> StageTrainer.pending(studentTrainer());
      case FINETUNE -> StageTrainer.pending(finetuneTrainer(unit));
    };
    if (why.isEmpty()) {
      done.add(unit);
    }
    return why;
  }

  /**
   * Does {@code unit} unless it is done ({@link #pending}); its inputs must be done. A training whose saved run has
   * other settings or data, or whose model is unreadable, starts afresh; an interrupted one resumes from its last
   * checkpoint.
   *
   * @throws IllegalStateException when an input of the unit is not done
   */
  @Override
  public void run(PipelineUnit unit) throws IOException {
    for (PipelineUnit input : inputs(unit)) {
      Optional<String> why = pending(input);
      if (why.isPresent()) {
        throw new IllegalStateException(unit + " needs " + input + " done first, but it is not: " + why.get());
      }
    }
    switch (unit.kind()) {
      case TEACHER -> runTeacher(unit);
      case SHARD -> runShard(unit);
      case PREDICTIONS -> runPredictions(unit);
      case STUDENT -> runStudent();
      case FINETUNE -> runFinetune(unit);
    }
  }

  /**
   * Scores every method on the dev sets, runs {@code finalStep} with the final models, and writes results.md and
   * results.json; every unit must be done.
   *
   * @param seconds the run's wall time so far, for the result
   */
  public PipelineResult results(ResultsStyle style, FinalStep finalStep, double seconds) throws IOException {
    long started = System.nanoTime();
    Path studentModel = modelDir(PipelineUnit.student());
    Map<String, Path> finetuned = new LinkedHashMap<>();
    if (settings.finetune()) {
      tasks.keySet().forEach(task -> finetuned.put(task, modelDir(PipelineUnit.finetune(task))));
    }
    log.println("evaluating on dev");
    MethodScores score = new MethodScores(entries, settings.recipe().maxLength());
    Map<String, DevScores> scores = new LinkedHashMap<>();
    scores.put(BamPipeline.MAJORITY, score.majority());
    scores.put(BamPipeline.BEST_CONSTANT, score.bestConstant());
    scores.put(BamPipeline.SINGLE, score.of(models(task -> modelDir(PipelineUnit.teacher(task, 0)))));
    scores.put(BamPipeline.BAM, score.of(models(task -> studentModel)));
    if (settings.finetune()) {
      scores.put(BamPipeline.BAM_FINETUNED, score.of(models(finetuned::get)));
    }
    List<Path> extra = finalStep.run(models(settings.finetune() ? finetuned::get : task -> studentModel));
    PipelineResult result = new PipelineResult(scores, outputDir, studentModel, finetuned, extra,
        seconds + (System.nanoTime() - started) / 1e9);
    AtomicFiles.writeString(outputDir.resolve("results.md"), result.markdown(style));
    AtomicFiles.writeString(outputDir.resolve("results.json"), result.json(settings.recipe().name(), style));
    return result;
  }

  private FinalModels models(Function<String, Path> modelOf) {
    return new FinalModels(modelOf, settings.device());
  }

  /** The saved model of a unit that trains. */
  public Path modelDir(PipelineUnit unit) {
    return runDir(unit).resolve("model");
  }

  /** The run directory of a unit that trains: teachers/SST-2-2, student, finetune/SST-2. */
  private Path runDir(PipelineUnit unit) {
    return switch (unit.kind()) {
      case TEACHER -> outputDir.resolve("teachers").resolve(unit.memberName());
      case STUDENT -> outputDir.resolve("student");
      case FINETUNE -> outputDir.resolve("finetune").resolve(unit.task());
      case SHARD, PREDICTIONS -> throw new IllegalArgumentException(unit + " trains nothing");
    };
  }

  /** A predictions unit's file. */
  private Path predictionsFile(PipelineUnit unit) {
    return outputDir.resolve("teachers").resolve(unit.memberName() + ".predictions.safetensors");
  }

  /** A shard unit's file, beside its predictions file until they are merged into it. */
  private Path shardFile(PipelineUnit unit) {
    return outputDir.resolve("teachers").resolve(String.format(Locale.ROOT, "%s.predictions.shard-%d-of-%d"
        + ".safetensors", unit.memberName(), unit.shard() + 1, shardCount(unit.task())));
  }

  /** Into how many shards a task's training examples are split for its teachers' predictions: 1 for none. */
  private int shardCount(String task) {
    int n = tasks.get(task).train().size();
    return Math.max(1, (n + settings.predictionShard() - 1) / settings.predictionShard());
  }

  /** The shard units of a teacher's predictions; none when its task's training set fits in one. */
  private List<PipelineUnit> shards(String task, int member) {
    int n = shardCount(task);
    List<PipelineUnit> out = new ArrayList<>();
    for (int s = 0; n > 1 && s < n; s++) {
      out.add(PipelineUnit.shard(task, member, s));
    }
    return out;
  }

  /** Deletes a teacher's predictions and their shards, which a new training of it makes stale. */
  private void deletePredictions(PipelineUnit teacher) throws IOException {
    Files.deleteIfExists(predictionsFile(teacher));
    for (PipelineUnit shard : shards(teacher.task(), teacher.member())) {
      Files.deleteIfExists(shardFile(shard));
    }
  }

  private void checkUnit(PipelineUnit unit) {
    checkArgument(unit.task().isEmpty() || tasks.containsKey(unit.task()), "%s: no task %s in this run (tasks: %s)",
        unit, unit.task(), tasks.keySet());
    checkArgument(unit.member() < settings.teachersPerTask(), "%s: this run has %s teacher(s) per task", unit,
        settings.teachersPerTask());
    checkArgument(unit.kind() != PipelineUnit.Kind.FINETUNE || settings.finetune(),
        "%s: fine-tuning is off in this run", unit);
    if (unit.kind() == PipelineUnit.Kind.SHARD) {
      int shards = shardCount(unit.task());
      checkArgument(shards > 1 && unit.shard() < shards, "%s: the task's predictions have %s shard(s) of at most %s"
          + " examples", unit, shards == 1 ? "no" : shards, settings.predictionShard());
    }
  }

  /** "teacher 1/2: SST-2", "fine-tune 2/2: STS-B": the unit's place among its kind, for the log. */
  private String prefix(PipelineUnit unit) {
    List<String> names = List.copyOf(tasks.keySet());
    String kind = unit.kind() == PipelineUnit.Kind.FINETUNE ? "fine-tune" : "teacher";
    return String.format(Locale.ROOT, "%s %d/%d: %s", kind, names.indexOf(unit.task()) + 1, names.size(),
        unit.memberName());
  }

  // ---- trainings -------------------------------------------------------------------------------------------

  /** Member k of the task's teachers trains with the run's seed + k. */
  private BornAgainTrainer teacherTrainer(PipelineUnit unit) {
    return stages.trainer(new StageRun(settings.recipe().teacher(), settings.encoder(),
        List.of(tasks.get(unit.task())), Map.of(), settings.seed() + unit.member(), runDir(unit)),
        listeners.apply(unit));
  }

  /** The student, distilled from each task's teachers (an ensemble teaches with the mean of its members). */
  private BornAgainTrainer studentTrainer() {
    PipelineUnit unit = PipelineUnit.student();
    Map<String, TeacherPredictions> teachers = new LinkedHashMap<>();
    for (String task : tasks.keySet()) {
      List<TeacherPredictions> members = new ArrayList<>();
      for (int k = 0; k < settings.teachersPerTask(); k++) {
        members.add(readPredictions(PipelineUnit.predictions(task, k)));
      }
      teachers.put(task, members.size() == 1 ? members.get(0) : TeacherPredictions.average(members));
    }
    return stages.trainer(new StageRun(settings.recipe().student(), settings.encoder(),
        List.copyOf(tasks.values()), teachers, settings.seed(), runDir(unit)), listeners.apply(unit));
  }

  private BornAgainTrainer finetuneTrainer(PipelineUnit unit) {
    return stages.trainer(new StageRun(settings.recipe().finetune(),
        EncoderSource.huggingFace(modelDir(PipelineUnit.student())), List.of(tasks.get(unit.task())), Map.of(),
        settings.seed(), runDir(unit)), listeners.apply(unit));
  }

  private void runTeacher(PipelineUnit unit) throws IOException {
    Task task = tasks.get(unit.task());
    // Predictions of an earlier teacher are stale once this one trains.
    reuseOrTrain(teacherTrainer(unit), prefix(unit), "teacher", () -> deletePredictions(unit),
        String.format(Locale.ROOT, "%s (%d train, %d dev) -> %s", prefix(unit), task.train().size(),
            task.dev().size(), runDir(unit)));
  }

  private void runStudent() throws IOException {
    // Fine-tuned models start from the student: a new student makes them stale.
    reuseOrTrain(studentTrainer(), "student", "student",
        () -> AtomicFiles.deleteRecursively(outputDir.resolve("finetune")),
        String.format(Locale.ROOT, "student: %d tasks, %d training examples, distilled from %d teachers -> %s",
            tasks.size(), tasks.values().stream().mapToInt(t -> t.train().size()).sum(), tasks.size(),
            runDir(PipelineUnit.student())));
  }

  private void runFinetune(PipelineUnit unit) throws IOException {
    reuseOrTrain(finetuneTrainer(unit), prefix(unit), "model", () -> { },
        prefix(unit) + " -> " + runDir(unit));
  }

  /** What a training that is about to run makes stale. */
  @FunctionalInterface
  private interface Outdated {
    void delete() throws IOException;
  }

  /**
   * The one way every unit that trains is done: reused when finished ({@link StageTrainer#pending}); else
   * started afresh where what is there cannot be continued ({@link StageTrainer#restartIfUnusable}) or resumed,
   * after deleting the outputs its training makes stale.
   *
   * @param finished what the log calls the reused model ("teacher", "student", "model")
   * @param start the log line when it trains
   */
  private void reuseOrTrain(BornAgainTrainer trainer, String label, String finished, Outdated outdated,
      String start) throws IOException {
    if (StageTrainer.pending(trainer).isEmpty()) {
      log.printf(Locale.ROOT, "%s: reusing the finished %s in %s%n", label, finished,
          trainer.settings().outputDir().resolve("model"));
      return;
    }
    stages.restartIfUnusable(trainer, label);
    outdated.delete();
    log.println(start);
    trainer.train();
  }

  // ---- predictions -----------------------------------------------------------------------------------------

  private Optional<String> predictionsPending(PipelineUnit unit) {
    Path file = predictionsFile(unit);
    if (!Files.isRegularFile(file)) {
      return Optional.of("no predictions file " + file);
    }
    try {
      readPredictions(unit);
      return Optional.empty();
    } catch (IllegalStateException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * A teacher's saved outputs, checked against its task's training examples.
   *
   * @throws IllegalStateException naming the file when it is missing, torn or from other examples
   */
  private TeacherPredictions readPredictions(PipelineUnit unit) {
    Path file = predictionsFile(unit);
    Task task = tasks.get(unit.task());
    try {
      TeacherPredictions saved = TeacherPredictions.read(file);
      saved.checkMatches(task, task.train());
      return saved;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException(file + " is not usable (" + e.getMessage() + ")", e);
    }
  }

  private void runPredictions(PipelineUnit unit) throws IOException {
    String prefix = prefix(unit);
    Path file = predictionsFile(unit);
    Optional<String> why = predictionsPending(unit);
    if (why.isEmpty()) {
      log.printf(Locale.ROOT, "%s: reusing predictions %s%n", prefix, file);
      return;
    }
    if (Files.exists(file)) {
      // A file from other examples (another cap) or a torn write: predict again rather than fail.
      log.printf(Locale.ROOT, "%s: predicting again, %s%n", prefix, why.get());
    }
    Task task = tasks.get(unit.task());
    List<PipelineUnit> shards = shards(unit.task(), unit.member());
    TeacherPredictions predictions;
    if (shards.isEmpty()) {
      try (NDManager manager = FinalModels.newManager(settings.device());
          BamModel model = BamModel.load(modelDir(PipelineUnit.teacher(unit.task(), unit.member())), manager)) {
        predictions = model.teacherPredictions(task, settings.recipe().maxLength());
      }
    } else {
      List<PredictionShard> parts = new ArrayList<>();
      for (PipelineUnit shard : shards) {
        parts.add(readShard(shard));
      }
      predictions = PredictionShard.merge(task, parts);
    }
    predictions.write(file);
    if (!shards.isEmpty()) {
      // Merged and written: the shards are in the file now.
      for (PipelineUnit shard : shards) {
        Files.deleteIfExists(shardFile(shard));
      }
    }
    log.printf(Locale.ROOT, "%s: predictions on %d training examples%s -> %s%n", prefix, predictions.size(),
        shards.isEmpty() ? "" : ", merged from " + shards.size() + " shards", file);
  }

  // ---- shards of predictions ---------------------------------------------------------------------------------

  /**
   * Why a shard must run, or empty when its predictions are done (merged: the shard file is gone then) or its
   * file is whole and made on the examples it names.
   */
  private Optional<String> shardPending(PipelineUnit unit) {
    if (predictionsPending(PipelineUnit.predictions(unit.task(), unit.member())).isEmpty()) {
      return Optional.empty();
    }
    Path file = shardFile(unit);
    if (!Files.isRegularFile(file)) {
      return Optional.of("no predictions shard " + file);
    }
    try {
      readShard(unit);
      return Optional.empty();
    } catch (IllegalStateException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * A shard's saved outputs, checked against the examples it names.
   *
   * @throws IllegalStateException naming the file when it is missing, torn, another shard or from other examples
   */
  private PredictionShard readShard(PipelineUnit unit) {
    Path file = shardFile(unit);
    Task task = tasks.get(unit.task());
    try {
      PredictionShard shard = PredictionShard.read(file);
      checkArgument(shard.shard() == unit.shard() && shard.shards() == shardCount(unit.task()),
          "it holds shard %s of %s", shard.shard() + 1, shard.shards());
      shard.predictions().checkMatches(task, PredictionShard.examples(task, shard.positions()));
      return shard;
    } catch (IOException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new IllegalStateException(file + " is not usable (" + e.getMessage() + ")", e);
    }
  }

  private void runShard(PipelineUnit unit) throws IOException {
    String prefix = prefix(unit) + " shard " + (unit.shard() + 1) + "/" + shardCount(unit.task());
    Optional<String> why = shardPending(unit);
    if (why.isEmpty()) {
      log.printf(Locale.ROOT, "%s: reusing its predictions%n", prefix);
      return;
    }
    Task task = tasks.get(unit.task());
    PredictionShard shard;
    try (NDManager manager = FinalModels.newManager(settings.device());
        BamModel model = BamModel.load(modelDir(PipelineUnit.teacher(unit.task(), unit.member())), manager)) {
      // Every shard finds the same split: the teacher's batches over the whole training set, dealt out in order.
      int[] positions = model.teacherPredictionShards(task, shardCount(unit.task()), settings.recipe().maxLength())
          .get(unit.shard());
      shard = new PredictionShard(unit.shard(), shardCount(unit.task()), positions,
          model.teacherPredictions(task, PredictionShard.examples(task, positions), settings.recipe().maxLength()));
    }
    shard.write(shardFile(unit));
    log.printf(Locale.ROOT, "%s: predictions on %d training examples -> %s%n", prefix, shard.positions().length,
        shardFile(unit));
  }
}
