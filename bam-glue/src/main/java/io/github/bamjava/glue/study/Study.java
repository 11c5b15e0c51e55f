package io.github.bamjava.glue.study;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.eval.MajorityClass;
import io.github.bamjava.glue.GlueReader;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.glue.TrainBudget;
import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.internal.io.JsonFiles;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Stage;
import io.github.bamjava.pipeline.StageRun;
import io.github.bamjava.pipeline.StageTrainer;
import io.github.bamjava.pipeline.WorkPlan;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.runtime.GracefulStop;
import io.github.bamjava.runtime.RunStoppedException;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetric;
import io.github.bamjava.train.BornAgainTrainer;
import io.github.bamjava.train.RunListener;
import io.github.bamjava.train.RunResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Runs the BAM paper's methods over several seeds on a GLUE directory and keeps every model's dev predictions
 * for {@link StudyReport}.
 *
 * <p>The study is a list of {@link StudyJob}s, in an order where teachers come before their students, and a
 * {@link WorkPlan}: {@link #inputs} and {@link #pending} are the one place that says what a job needs and whether it
 * is done, for the workers here and for a cluster's runner (bam-spark's {@code SparkPlan}, which runs each job as a
 * Spark task once its inputs are done). Several worker processes may run one study together on one machine
 * (processes, not threads: a JVM trains one model at a time, as DJL collects gradients for the whole process): each
 * claims the next job whose dependencies are done with a
 * claim file named after the job and the run id that all workers of one launch share, locked while it works
 * ({@link JobClaims}: the job of a worker that dies is taken by another). Running again (with a new run id) skips
 * finished jobs, and a job that was stopped part-way resumes from its last checkpoint.
 *
 * <p>Each job writes, under {@link StudyJob#dir}: {@code run/} (the trainer's output: run-config.json,
 * metrics.jsonl; the model only where another job starts from it), {@code dev/<task>.tsv}
 * ({@link DevPredictions}), {@code train-predictions/<task>.safetensors} for teachers, and {@code done.json}
 * last.
 *
 * <p>A study copied to another machine (its published results: the predictions, not the models) continues
 * there, but a fine-tuning job starts from a model the copy lacks. Its base job is then trained again, with the
 * same seed, to make that model: the base's own files stay as they were, and its new dev predictions go to
 * {@code regenerated/}, with a {@code done.json} that counts the predictions that differ from the stored ones (0
 * where training is deterministic), so that a fine-tuning run never starts unnoticed from another model than the
 * one the study scored.
 */
public final class Study implements WorkPlan<StudyJob> {

  /** Where a job trained again for its model keeps its predictions and done.json (see the class comment). */
  static final String REGENERATED = "regenerated";

  /** Seconds a worker waits before looking again for a job whose dependencies are done. */
  private static final int POLL_SECONDS = 10;

  private final StudyConfig config;
  private final PrintStream log;
  private final Function<StudyJob, List<RunListener>> listeners;
  /** The tasks as read, shared by this study's copies ({@link #withDevice}, {@link #withListeners}). */
  private final TaskCache read;

  /** The tasks of a study, read once: of all seeds, and of each seed when the study draws per seed. */
  private static final class TaskCache {
    List<Task> tasks;
    final Map<Long, List<Task>> drawn = new HashMap<>();
  }

  private Study(StudyConfig config, PrintStream log, Function<StudyJob, List<RunListener>> listeners,
      TaskCache read) {
    this.config = config;
    this.log = log;
    this.listeners = listeners;
    this.read = read;
  }

  /**
   * The study {@code config} describes, with progress lines into {@code progress}.
   *
   * @throws IllegalArgumentException when the GLUE directory does not exist
   */
  public static Study of(StudyConfig config, PrintStream progress) {
    requireNonNull(config, "config");
    checkArgument(Files.isDirectory(config.glueDir()), "GLUE directory %s does not exist",
        config.glueDir().toAbsolutePath());
    return new Study(config, requireNonNull(progress, "progress"), job -> List.of(), new TaskCache());
  }

  /**
   * This study with its trainings and predictions on {@code device} (a cluster task's GPU), the settings' device
   * when null. The device is no part of a job's settings: the jobs and their files stay the same.
   */
  @Override
  public Study withDevice(@Nullable Device device) {
    return new Study(config.withPipeline(config.pipeline().withDevice(device)), log, listeners, read);
  }

  /** This study with further training listeners per job, heard after the progress lines. */
  @Override
  public Study withListeners(Function<StudyJob, List<RunListener>> jobListeners) {
    return new Study(config, log, requireNonNull(jobListeners, "jobListeners"), read);
  }

  /** What the study is. */
  public StudyConfig config() {
    return config;
  }

  /** The study's output directory. */
  @Override
  public Path outputDir() {
    return config.outputDir();
  }

  /** Every job of the study, teachers before their students, seed by seed. */
  public List<StudyJob> jobs() throws IOException {
    List<String> names = taskNames();
    List<StudyJob> jobs = new ArrayList<>();
    for (long seed : config.seeds()) {
      for (StudyMethod m : config.methods()) {
        if (m.multiTask()) {
          jobs.add(new StudyJob(m, seed, null));
        } else {
          names.forEach(t -> jobs.add(new StudyJob(m, seed, t)));
        }
      }
    }
    return jobs;
  }

  /**
   * The tasks of the study with their kept training and dev examples, as the preset draws them; read once. With
   * {@link StudyConfig#drawPerSeed() draws per seed} a job trains on {@link #tasks(long)} instead.
   */
  public List<Task> tasks() throws IOException {
    synchronized (read) {
      if (read.tasks == null) {
        read.tasks = readTasks(config.trainBudget());
      }
      return read.tasks;
    }
  }

  /**
   * The tasks a job of {@code seed} trains and is scored on: {@link #tasks()}, or, when the study draws per seed,
   * the same budgets drawn with the seed (the dev examples do not change).
   */
  public List<Task> tasks(long seed) throws IOException {
    if (!config.drawPerSeed()) {
      return tasks();
    }
    synchronized (read) {
      List<Task> drawn = read.drawn.get(seed);
      if (drawn == null) {
        drawn = readTasks(config.trainBudget().withSeed(seed));
        read.drawn.put(seed, drawn);
      }
      return drawn;
    }
  }

  private List<Task> readTasks(TrainBudget budget) throws IOException {
    GlueReader reader = GlueReader.builder(config.glueDir()).optTrainBudget(budget).build();
    List<Task> read = new ArrayList<>();
    for (GlueTask g : config.glueTasks().isEmpty() ? defaultTasks() : config.glueTasks()) {
      Task t = reader.read(g);
      read.add(Task.builder(t.name(), t.kind())
          .setTrain(t.train())
          .optDev(config.devSelection().apply(t.dev()))
          .optMetrics(t.metrics().toArray(new TaskMetric[0]))
          .build());
    }
    return List.copyOf(read);
  }

  private List<String> taskNames() throws IOException {
    return tasks().stream().map(Task::name).toList();
  }

  /**
   * The GLUE tasks found in the directory but WNLI, which the paper leaves out of its averages (its dev set is
   * adversarial to the train set, and BERT-style models score the majority class).
   */
  private EnumSet<GlueTask> defaultTasks() {
    EnumSet<GlueTask> found = EnumSet.noneOf(GlueTask.class);
    found.addAll(GlueReader.availableTasks(config.glueDir()));
    found.remove(GlueTask.WNLI);
    checkArgument(!found.isEmpty(), "no GLUE task found in %s", config.glueDir().toAbsolutePath());
    return found;
  }

  /**
   * Runs jobs until none is left that this worker can take: the study is finished, or what remains waits on a
   * job that failed.
   *
   * @param runId shared by the workers of one launch; claims of other run ids are from stopped launches
   * @return the number of jobs that failed in this worker
   */
  public int runWorker(String runId) throws IOException, InterruptedException {
    checkArgument(runId.matches("[A-Za-z0-9_.-]+"), "run id '%s' must be letters, digits, '.', '_' or '-'", runId);
    List<StudyJob> jobs = jobs();
    JobClaims claims = new JobClaims(config.outputDir().resolve("claims"), runId);
    int failures = 0;
    while (!GracefulStop.requested()) {
      List<StudyJob> pending = new ArrayList<>();
      for (StudyJob j : jobs) {
        if (pending(j).isPresent()) {
          pending.add(j);
        }
      }
      if (pending.isEmpty()) {
        log.printf(Locale.ROOT, "study: all %d jobs are done%n", jobs.size());
        return failures;
      }
      boolean ran = false;
      for (StudyJob j : pending) {
        if (!ready(j)) {
          continue;
        }
        try (JobClaims.Claim claim = claims.claim(j)) {
          if (claim == null) {
            continue;
          }
          ran = true;
          try {
            run(j);
          } catch (RunStoppedException e) {
            throw e; // not a failure: the job resumes from its checkpoint when the study runs again
          } catch (RuntimeException | IOException e) {
            failures++;
            claims.markFailed(j, String.valueOf(e));
            log.printf(Locale.ROOT, "study: %s FAILED: %s%n", j, e);
          }
        }
        break;
      }
      if (ran) {
        continue;
      }
      boolean running = false;
      for (StudyJob j : pending) {
        running |= claims.taken(j);
      }
      if (!running) {
        log.printf(Locale.ROOT, "study: %d job(s) left wait on failed jobs; stopping%n", pending.size());
        return failures;
      }
      Thread.sleep(POLL_SECONDS * 1000L);
    }
    log.printf(Locale.ROOT, "study: stopped on request%n");
    return failures;
  }

  /** Whether none of the jobs {@code job} needs is pending. */
  private boolean ready(StudyJob job) throws IOException {
    for (StudyJob input : inputs(job)) {
      if (pending(input).isPresent()) {
        return false;
      }
    }
    return true;
  }

  /** Every job of the study: {@link #jobs()}. */
  @Override
  public List<StudyJob> units() throws IOException {
    return jobs();
  }

  /** The jobs whose results {@code job} reads: its teachers' jobs, or the job whose model it starts from. */
  @Override
  public List<StudyJob> inputs(StudyJob job) throws IOException {
    return job.dependencies(taskNames());
  }

  /**
   * Why a job must run, or empty when it is done: it has no {@code done.json}; or it is done, but a job that is
   * not starts from its model, which is not here (a copied study, see the class comment): it then runs again for
   * its model.
   */
  @Override
  public Optional<String> pending(StudyJob job) throws IOException {
    if (!isDone(job)) {
      return Optional.of("no " + StudyJob.DONE + " in " + job.dir(config.outputDir()));
    }
    if (Files.isDirectory(modelDir(job))) {
      return Optional.empty();
    }
    for (StudyJob other : jobs()) {
      if (other.method().startsFrom() == job.method() && other.seed() == job.seed() && !isDone(other)) {
        return Optional.of(other + " starts from its model, which is not in " + modelDir(job));
      }
    }
    return Optional.empty();
  }

  /**
   * What the driver and the machines of a cluster must agree on: the study's {@link #describe() description}
   * (settings, seeds, encoder, tasks and their sizes).
   */
  @Override
  public JsonObject key() throws IOException {
    return describe();
  }

  /** The study's jobs that are not done, in the study's order. */
  public List<StudyJob> unfinished() throws IOException {
    return jobs().stream().filter(j -> !isDone(j)).toList();
  }

  private boolean isDone(StudyJob job) {
    return Files.isRegularFile(job.dir(config.outputDir()).resolve(StudyJob.DONE));
  }

  /** The tasks a job trains on, with their dev examples. */
  private List<Task> jobTasks(StudyJob job) throws IOException {
    List<Task> jobTasks = job.task() == null ? tasks(job.seed())
        : tasks(job.seed()).stream().filter(t -> t.name().equals(job.task())).toList();
    checkState(!jobTasks.isEmpty(), "job %s names a task that is not in the study", job);
    return jobTasks;
  }

  /**
   * The pipeline's trainer of a job's method: the study's encoder and recipe, with the method's one change of it
   * ({@link StudyMethod#recipe}).
   */
  private StageTrainer stages(StudyMethod method) {
    Recipe recipe = method.recipe(config.pipeline().recipe());
    return new StageTrainer(config.pipeline().withRecipe(recipe), log, 60);
  }

  /**
   * A job as a run of the pipeline: its method's stage, its tasks without their dev examples (the trainer then
   * skips its per-epoch evaluation; the study scores the final model once), the teachers' predictions on their
   * training examples, and the model it starts from.
   */
  private StageRun stageRun(StudyJob job) throws IOException {
    StudyMethod method = job.method();
    EncoderSource encoder = method.startsFrom() == null ? config.pipeline().encoder()
        : EncoderSource.huggingFace(modelDir(new StudyJob(method.startsFrom(), job.seed(), null)));
    List<Task> tasks = new ArrayList<>();
    Map<String, TeacherPredictions> teachers = new LinkedHashMap<>();
    for (Task t : jobTasks(job)) {
      tasks.add(Task.builder(t.name(), t.kind()).setTrain(t.train())
          .optMetrics(t.metrics().toArray(new TaskMetric[0])).build());
      if (method.teacher() != null) {
        StudyJob teacher = method.teacher().multiTask() ? new StudyJob(method.teacher(), job.seed(), null)
            : new StudyJob(method.teacher(), job.seed(), t.name());
        teachers.put(t.name(), TeacherPredictions.read(trainPredictions(teacher, t.name())));
      }
    }
    return new StageRun(method.stage(config.pipeline().recipe()), encoder, tasks, teachers, job.seed(),
        job.dir(config.outputDir()).resolve("run"));
  }

  /** The trainer of a job, not started: its settings are what the job's run-config.json records. */
  BornAgainTrainer trainer(StudyJob job) throws IOException {
    return stages(job.method()).trainer(stageRun(job));
  }

  /**
   * Trains one job (resuming it when it was stopped), writes its predictions and marks it done. A job that is
   * done already is trained again for its model, its predictions written to {@code regenerated/}.
   */
  @Override
  public void run(StudyJob job) throws IOException {
    long started = System.nanoTime();
    StudyMethod method = job.method();
    Path dir = job.dir(config.outputDir());
    boolean regenerate = isDone(job);
    Path out = regenerate ? dir.resolve(REGENERATED) : dir;
    List<Task> jobTasks = jobTasks(job);
    Recipe p = config.pipeline().recipe();
    Stage stage = method.stage(p);
    log.printf(Locale.ROOT, "study: %s%s (%d training examples) -> %s%n", job,
        regenerate ? " again, for its model" : "", jobTasks.stream().mapToInt(t -> t.train().size()).sum(), dir);
    StageTrainer stages = stages(method);
    BornAgainTrainer built = stages.trainer(stageRun(job), listeners.apply(job));
    // A job stopped under other settings or data (an older study, edited files), or with a damaged model, starts
    // afresh.
    stages.restartIfUnusable(built, "study: " + job);
    long trainStarted = System.nanoTime();
    RunResult result = built.train();
    // Training done by earlier processes (a resumed run, or a finished one whose job was killed before it was
    // marked done) counts in the job's time; otherwise a job killed and resumed looks as cheap as its last part.
    double earlier = Math.max(0, result.trainSeconds() - (System.nanoTime() - trainStarted) / 1e9);

    JsonObject dev = new JsonObject();
    JsonObject differing = new JsonObject();
    try (NDManager manager = TorchEngine.newManager(); BamModel model = BamModel.load(result.modelDir(), manager)) {
      for (Task t : jobTasks) {
        float[][] outputs = model.predict(t.name(), t.dev(), p.maxLength());
        double[] gold = new double[outputs.length];
        double[] predicted = new double[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
          gold[i] = t.gold(t.dev().get(i));
          predicted[i] = Evaluation.prediction(t.kind(), outputs[i]);
        }
        List<String> ids = t.dev().stream().map(Example::id).toList();
        DevPredictions predictions = new DevPredictions(ids, gold, predicted);
        predictions.write(devFile(out, t.name()));
        Map<String, Double> scores = Evaluation.score(t, t.dev(), outputs);
        JsonObject task = new JsonObject();
        scores.forEach(task::addProperty);
        dev.add(t.name(), task);
        if (regenerate) {
          Path stored = devFile(dir, t.name());
          DevPredictions before = DevPredictions.read(stored);  // names the file itself on a bad line
          try {
            differing.addProperty(t.name(), predictions.differencesFrom(before));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(stored + ": " + e.getMessage(), e);
          }
        } else if (method.teaches()) {
          model.teacherPredictions(t, p.maxLength()).write(trainPredictions(job, t.name()));
        }
      }
    }
    AtomicFiles.deleteRecursively(dir.resolve("run").resolve("checkpoints"));
    JsonObject done = new JsonObject();
    done.addProperty("method", method.dirName());
    done.addProperty("seed", job.seed());
    done.addProperty("task", job.task());
    done.addProperty("train_seconds", result.trainSeconds());
    double jobSeconds = earlier + (System.nanoTime() - started) / 1e9;
    done.addProperty("job_seconds", jobSeconds);
    done.addProperty("train_examples", jobTasks.stream().mapToLong(t -> t.train().size()).sum()
        * stage.epochs());
    done.add("dev", dev);
    if (regenerate) {
      done.add("predictions_differing_from_stored", differing);
    }
    AtomicFiles.writeString(out.resolve(StudyJob.DONE),
        new GsonBuilder().setPrettyPrinting().create().toJson(done) + "\n");
    // After done.json: a job killed between the two would otherwise have neither its model nor its mark, and
    // train again from the start.
    if (!method.modelKept() && !config.keepModels()) {
      AtomicFiles.deleteRecursively(result.modelDir());
    }
    log.printf(Locale.ROOT, "study: %s done in %.0f s: %s%n", job, jobSeconds, dev);
    if (regenerate) {
      log.printf(Locale.ROOT, "study: %s's model made again; dev predictions that differ from the stored ones: %s"
          + "%n", job, differing);
    }
  }

  /** A job's dev predictions of one task, under {@code jobDir} (or its {@link #REGENERATED} folder). */
  private static Path devFile(Path jobDir, String task) {
    return jobDir.resolve("dev").resolve(task + ".tsv");
  }

  private Path modelDir(StudyJob job) {
    return job.dir(config.outputDir()).resolve("run").resolve("model");
  }

  private Path trainPredictions(StudyJob job, String task) {
    return job.dir(config.outputDir()).resolve("train-predictions").resolve(task + ".safetensors");
  }

  /**
   * The study's settings, seeds and tasks as JSON, saved as {@code study.json} by the command that runs it. Each
   * classification task also records its majority class: the most frequent label of its kept training
   * examples (the first in label order on a tie), that label's share of them and the dev score of always
   * predicting it — the baseline {@link StudyReport} shows. Regression tasks have none.
   */
  public JsonObject describe() throws IOException {
    JsonObject json = config.settingsJson();
    json.add("seeds", new GsonBuilder().create().toJsonTree(config.seeds()));
    json.addProperty("encoder", config.pipeline().encoder().describe());
    if (config.drawPerSeed()) {
      // Absent in a study whose seeds share one draw: the key is new, and older studies must read the same.
      json.addProperty(TRAIN_DRAW, PER_SEED);
    }
    JsonObject sizes = new JsonObject();
    for (Task t : tasks()) {
      JsonObject size = new JsonObject();
      size.addProperty("train", t.train().size());
      size.addProperty("dev", t.dev().size());
      if (config.drawPerSeed()) {
        JsonObject bySeed = new JsonObject();
        for (long seed : config.seeds()) {
          Task drawn = tasks(seed).stream().filter(d -> d.name().equals(t.name())).findFirst().orElseThrow();
          MajorityClass.of(drawn).ifPresent(m -> bySeed.add(String.valueOf(seed), majority(drawn, m)));
        }
        if (bySeed.size() > 0) {
          size.add(MAJORITY_BY_SEED, bySeed);
        }
      } else {
        MajorityClass.of(t).ifPresent(m -> size.add(MAJORITY, majority(t, m)));
      }
      sizes.add(t.name(), size);
    }
    json.add("tasks", sizes);
    return json;
  }

  /** The key, in a task's majority class in {@link #describe()}, of every label's share of the training examples. */
  public static final String TRAIN_SHARES = "train_shares";

  /** The key in {@link #describe()} that says how the seeds draw the training examples, when not all alike. */
  public static final String TRAIN_DRAW = "train_draw";

  /** The value of {@link #TRAIN_DRAW} when each seed draws its own training examples. */
  public static final String PER_SEED = "per-seed";

  /** The key in {@link #describe()} of each seed's training majority class, when the seeds draw their own. */
  public static final String MAJORITY_BY_SEED = "majority_by_seed";

  /** The key of a task's majority class in {@link #describe()}. */
  public static final String MAJORITY = "majority";

  /**
   * A {@link #describe() description} saved in {@code file} ({@code study.json}), its tasks and seeds checked:
   * those are what a study directory is read by.
   *
   * @throws IOException naming the file when it is not JSON, its {@code tasks} are not an object of one object
   *     per task or its {@code seeds}, when present, not a list of integers
   */
  public static JsonObject readDescription(Path file) throws IOException {
    JsonObject description = JsonFiles.readObject(file);
    JsonElement tasks = description.get("tasks");
    if (!(tasks instanceof JsonObject byName
        && byName.entrySet().stream().allMatch(e -> e.getValue().isJsonObject()))) {
      throw new IOException(file + ": \"tasks\" is not an object of one object per task: " + tasks);
    }
    JsonElement seeds = description.get("seeds");
    // The report needs no seeds (it finds them on disk): hand-made descriptions may leave them out.
    if (seeds != null && !(seeds instanceof JsonArray list && list.asList().stream().allMatch(Study::isInteger))) {
      throw new IOException(file + ": \"seeds\" is not a list of integers: " + seeds);
    }
    return description;
  }

  private static boolean isInteger(JsonElement e) {
    return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && e.getAsString().matches("-?\\d+");
  }

  private static JsonObject majority(Task t, MajorityClass m) {
    JsonObject majority = new JsonObject();
    majority.addProperty("label", m.label());
    majority.addProperty("index", m.index());
    majority.addProperty("train_share", m.trainShare());
    // Every label's share, for the report's label-prior baseline (a model that answers by the training frequencies).
    double[] counts = new double[((TaskKind.Classification) t.kind()).labels().size()];
    t.train().forEach(e -> counts[(int) t.gold(e)]++);
    JsonArray shares = new JsonArray();
    for (double c : counts) {
      shares.add(c / t.train().size());
    }
    majority.add(TRAIN_SHARES, shares);
    if (!t.dev().isEmpty()) {
      JsonObject dev = new JsonObject();
      m.score(t, t.dev()).forEach(dev::addProperty);
      majority.add("dev", dev);
    }
    return majority;
  }
}
