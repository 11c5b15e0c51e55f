package io.github.bamjava.pipeline;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDManager;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.eval.MajorityClass;
import io.github.bamjava.io.AtomicFiles;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.train.BamModel;
import io.github.bamjava.train.BornAgainTrainer;
import io.github.bamjava.train.OutputLock;
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
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The whole BAM pipeline on any tasks: single-task teachers, their predictions, the multi-task student distilled
 * from them with teacher annealing, optional single-task fine-tuning, and the dev scores of every method.
 *
 * <pre>{@code
 * PipelineResult result = new BamPipeline(Path.of("runs/mine"), PipelineSettings.DEFAULT, System.out)
 *     .run(List.of(PipelineTask.of(reviews), PipelineTask.of(similarity)));
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
 * </pre>
 *
 * <p>Running again into the same directory continues where the last run stopped: a finished teacher whose
 * settings and data are unchanged is reused, valid prediction files are reused, and interrupted trainings resume
 * from their last checkpoint. A teacher, student or fine-tuning run whose settings or data changed (its
 * {@code run-config.json} says) is trained again from the start, and the log says what changed. The output
 * directory is locked for the run: a second pipeline into it fails at once. A stop requested by Ctrl-C ends the
 * current training after its step, with a checkpoint, and the next run resumes from it.
 */
public final class BamPipeline {

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

  private final Path outputDir;
  private final PipelineSettings settings;
  private final PrintStream log;
  private final StageTrainer stages;

  /**
   * A pipeline that writes into {@code outputDir}.
   *
   * @param progress where progress lines and bars go, or null for none
   * @throws IllegalArgumentException for mixed precision on a CPU
   */
  public BamPipeline(Path outputDir, PipelineSettings settings, @Nullable PrintStream progress) {
    this.outputDir = requireNonNull(outputDir, "outputDir");
    this.settings = requireNonNull(settings, "settings");
    this.log = progress == null ? new PrintStream(PrintStream.nullOutputStream()) : progress;
    this.stages = new StageTrainer(settings, progress, 10);
    if (settings.mixedPrecision()) {
      BornAgainTrainer.checkMixedPrecisionDevice(settings.device());
    }
  }

  /** The pipeline's settings. */
  public PipelineSettings settings() {
    return settings;
  }

  /** {@link #run(List, ResultsStyle, FinalStep)} in the words of one's own tasks, with nothing added at the end. */
  public PipelineResult run(List<PipelineTask> tasks) throws IOException {
    return run(tasks, ResultsStyle.DEFAULT, FinalStep.NONE);
  }

  /**
   * Runs (or continues) the pipeline on {@code tasks}, in their order; see the class comment for what it writes.
   *
   * @param style how results.md and results.json name the overall score
   * @param finalStep work done with the final models before the results are written, under the run's lock
   * @throws IllegalArgumentException for no tasks, two tasks of one name, or a task without dev examples
   * @throws IllegalStateException when another pipeline or training run holds the output directory
   */
  public PipelineResult run(List<PipelineTask> tasks, ResultsStyle style, FinalStep finalStep) throws IOException {
    checkArgument(!tasks.isEmpty(), "no tasks to train");
    Set<String> names = new HashSet<>();
    for (PipelineTask t : tasks) {
      checkArgument(names.add(t.name()), "two tasks are named %s; task names must be unique", t.name());
      checkArgument(!t.task().dev().isEmpty(), "task %s has no dev examples to evaluate on", t.name());
    }
    Files.createDirectories(outputDir);
    // A second pipeline into the same directory, with other settings, would restart runs under this one.
    try (OutputLock lock = OutputLock.acquire(outputDir)) {
      return runLocked(List.copyOf(tasks), style, finalStep);
    }
  }

  private PipelineResult runLocked(List<PipelineTask> entries, ResultsStyle style, FinalStep finalStep)
      throws IOException {
    long started = System.nanoTime();
    Path out = outputDir;
    Recipe recipe = settings.recipe();
    List<Task> tasks = entries.stream().map(PipelineTask::task).toList();
    List<String> names = tasks.stream().map(Task::name).toList();
    log.printf(Locale.ROOT, "BAM on %d task(s): %s; preset %s; encoder %s%n", tasks.size(),
        String.join(", ", names), recipe.name(), settings.encoder().describe());

    Map<String, TeacherPredictions> teachers = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      Task task = tasks.get(i);
      List<TeacherPredictions> members = new ArrayList<>();
      for (int k = 0; k < settings.teachersPerTask(); k++) {
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
    BornAgainTrainer student = stages.trainer(new StageRun(recipe.student(), settings.encoder(), tasks, teachers,
        settings.seed(), studentDir));
    boolean studentIsNew = stages.restartIfChanged(student, "student")
        || !Files.isRegularFile(studentDir.resolve("model").resolve(BamModel.TASKS_JSON));
    if (studentIsNew) {
      // Fine-tuned models start from the student: a new student makes them stale.
      AtomicFiles.deleteRecursively(out.resolve("finetune"));
    }
    Path studentModel = student.train().modelDir();

    Map<String, Path> finetuned = new LinkedHashMap<>();
    if (settings.finetune()) {
      for (int i = 0; i < tasks.size(); i++) {
        Task task = tasks.get(i);
        Path dir = out.resolve("finetune").resolve(task.name());
        log.printf(Locale.ROOT, "fine-tune %d/%d: %s -> %s%n", i + 1, tasks.size(), task.name(), dir);
        StageRun fine = new StageRun(recipe.finetune(), EncoderSource.huggingFace(studentModel), List.of(task),
            Map.of(), settings.seed(), dir);
        finetuned.put(task.name(), stages.train(fine, "fine-tune " + task.name()).modelDir());
      }
    }

    log.println("evaluating on dev");
    Map<String, DevScores> scores = new LinkedHashMap<>();
    scores.put(MAJORITY, majority(entries));
    scores.put(SINGLE, evaluate(entries, models(this::teacherModelDir)));
    scores.put(BAM, evaluate(entries, models(name -> studentModel)));
    if (settings.finetune()) {
      scores.put(BAM_FINETUNED, evaluate(entries, models(finetuned::get)));
    }
    List<Path> extra = finalStep.run(models(settings.finetune() ? finetuned::get : name -> studentModel));

    PipelineResult result = new PipelineResult(scores, out, studentModel, finetuned, extra,
        (System.nanoTime() - started) / 1e9);
    AtomicFiles.writeString(out.resolve("results.md"), result.markdown(style));
    AtomicFiles.writeString(out.resolve("results.json"), result.json(recipe.name(), style));
    return result;
  }

  private FinalModels models(Function<String, Path> modelOf) {
    return new FinalModels(modelOf, settings.device());
  }

  /** The first teacher's model: the Single model of the task. */
  private Path teacherModelDir(String task) {
    return outputDir.resolve("teachers").resolve(task).resolve("model");
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
    Path dir = outputDir.resolve("teachers").resolve(memberName(task, k));
    Path model = dir.resolve("model");
    BornAgainTrainer teacher = stages.trainer(new StageRun(settings.recipe().teacher(), settings.encoder(),
        List.of(task), Map.of(), settings.seed() + k, dir));
    boolean changed = stages.restartIfChanged(teacher, prefix);
    if (!changed && Files.isRegularFile(model.resolve(BamModel.TASKS_JSON))) {
      log.printf(Locale.ROOT, "%s: reusing the finished teacher in %s%n", prefix, model);
      return model;
    }
    Files.deleteIfExists(predictionsFile(task, k));
    log.printf(Locale.ROOT, "%s (%d train, %d dev) -> %s%n", prefix, task.train().size(), task.dev().size(), dir);
    return teacher.train().modelDir();
  }

  private Path predictionsFile(Task task, int k) {
    return outputDir.resolve("teachers").resolve(memberName(task, k) + ".predictions.safetensors");
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
    try (NDManager manager = FinalModels.newManager(settings.device());
        BamModel model = BamModel.load(teacherModel, manager)) {
      predictions = model.teacherPredictions(task, settings.recipe().maxLength());
    }
    predictions.write(file);
    log.printf(Locale.ROOT, "%s: predictions on %d training examples -> %s%n", prefix, predictions.size(), file);
    return predictions;
  }

  /** Dev scores of every task and its other sets, each by the model {@code models} names for it. */
  private DevScores evaluate(List<PipelineTask> entries, FinalModels models) throws IOException {
    Map<String, PipelineTask> byName = new LinkedHashMap<>();
    entries.forEach(e -> byName.put(e.name(), e));
    Map<String, List<Map.Entry<String, Map<String, Double>>>> rows = new LinkedHashMap<>();
    int maxLength = settings.recipe().maxLength();
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

  /** The dev scores of always predicting each task's majority class; see {@link #MAJORITY}. */
  private static DevScores majority(List<PipelineTask> entries) {
    DevScores.Builder score = DevScores.builder();
    for (PipelineTask e : entries) {
      Optional<MajorityClass> majority = MajorityClass.of(e.task());
      score.add(e.devName(), e.scoreGroup(), baseline(e.task(), majority, e.task().dev()));
      e.otherDev().forEach((set, dev) -> score.add(set, e.scoreGroup(), baseline(e.task(), majority, dev)));
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
}
