package io.github.bamjava.glue;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.pipeline.BamPipeline;
import io.github.bamjava.pipeline.DevScores;
import io.github.bamjava.pipeline.FinalModels;
import io.github.bamjava.pipeline.PipelineJob;
import io.github.bamjava.pipeline.PipelineResult;
import io.github.bamjava.pipeline.PipelineRunner;
import io.github.bamjava.pipeline.PipelineSettings;
import io.github.bamjava.pipeline.PipelineTask;
import io.github.bamjava.pipeline.ResultsStyle;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskMetric;
import io.github.bamjava.train.BornAgainTrainer;
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
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The whole BAM pipeline on a GLUE directory in one call: single-task teachers, their predictions, the
 * multi-task student distilled from them with teacher annealing, optional single-task fine-tuning, dev scores
 * of every method and the GLUE submission files.
 *
 * <pre>{@code
 * GlueBam.Result result = GlueBam.of(GlueBam.Settings.of(Path.of("glue_data"), Path.of("bam-run"))
 *         .withPreset(Preset.LEARNING), System.out)
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
 * <p>The training is a {@link BamPipeline}'s, with its guarantees (reuse of finished teachers, resume of an interrupted
 * run, the output lock, retraining what changed); this class adds what is GLUE's: reading the GLUE directory with
 * the preset's budgets, MNLI's mismatched dev set, the swapped pairs of MRPC and STS-B, the GLUE score and the
 * submission files.
 */
public final class GlueBam {

  /** The column name of the majority-class baseline in results; see {@link BamPipeline#MAJORITY}. */
  public static final String MAJORITY = BamPipeline.MAJORITY;
  /** The column name of the best-constant baseline in results; see {@link BamPipeline#BEST_CONSTANT}. */
  public static final String BEST_CONSTANT = BamPipeline.BEST_CONSTANT;
  /** The column name of the single-task teachers in results. */
  public static final String SINGLE = BamPipeline.SINGLE;
  /** The column name of the multi-task student in results. */
  public static final String BAM = BamPipeline.BAM;
  /** The column name of the fine-tuned student in results. */
  public static final String BAM_FINETUNED = BamPipeline.BAM_FINETUNED;

  /** The folder of the submission files, under the output directory. */
  private static final String SUBMISSION = "submission";

  /** GLUE's words in results: the GLUE score, and STS-B as the regression task without a majority class. */
  static final ResultsStyle STYLE = new ResultsStyle(GlueScore.NAME, GlueScore.JSON_KEY, MAJORITY
      + ": always the most frequent label of the task's training examples, scored on the same dev rows; a"
      + " regression task (STS-B) has none and counts 0.");

  private static final String SWAPPED_SUFFIX = "-swapped";

  /**
   * What a GLUE run is: where GLUE's data is and which of it to train on; the training itself is {@code pipeline}.
   * Immutable; start from {@link #of} and change it with the {@code with…} methods. Every option of the training
   * is the pipeline's, declared once in {@link PipelineSettings}.
   *
   * @param glueDir the GLUE directory in the standard layout
   * @param outputDir where everything is written
   * @param tasks the GLUE tasks, in GLUE's order; empty with no custom task for every task found in {@code glueDir}
   * @param customTasks tasks of the user's own, trained and scored alongside, without submission files
   * @param trainBudget how many training examples each GLUE task keeps
   * @param symmetricPairs whether MRPC and STS-B also train on each pair in the other order
   * @param pipeline how every model trains
   */
  public record Settings(Path glueDir, Path outputDir, List<GlueTask> tasks, List<Task> customTasks,
      TrainBudget trainBudget, boolean symmetricPairs, PipelineSettings pipeline) {

    /** Checks that every part is there and copies the lists, the GLUE tasks in GLUE's order. */
    public Settings {
      requireNonNull(glueDir, "glueDir");
      requireNonNull(outputDir, "outputDir");
      EnumSet<GlueTask> ordered = EnumSet.noneOf(GlueTask.class);
      tasks.forEach(t -> ordered.add(requireNonNull(t, "task")));
      tasks = List.copyOf(ordered);
      customTasks = List.copyOf(customTasks);
      requireNonNull(trainBudget, "trainBudget");
      requireNonNull(pipeline, "pipeline");
    }

    /**
     * A run on {@code glueDir} into {@code outputDir} (see the class comment for its layout) with the defaults:
     * every task found, {@link Preset#LEARNING}, the embedded MiniLM, one teacher per task, no fine-tuning, seed 0.
     */
    public static Settings of(Path glueDir, Path outputDir) {
      return new Settings(glueDir, outputDir, List.of(), List.of(), Preset.LEARNING.trainBudget(), false,
          PipelineSettings.DEFAULT.withRecipe(Preset.LEARNING.recipe()));
    }

    /** These settings on other GLUE tasks, run and reported in GLUE's order; none for every task found. */
    public Settings withTasks(Iterable<GlueTask> glueTasks) {
      List<GlueTask> list = new ArrayList<>();
      glueTasks.forEach(list::add);
      return new Settings(glueDir, outputDir, list, customTasks, trainBudget, symmetricPairs, pipeline);
    }

    /**
     * These settings with a task of the user's own, trained, distilled and scored alongside the GLUE tasks (it
     * needs dev examples). It gets no submission file. With custom tasks and no GLUE tasks named, no GLUE task is
     * added by default.
     */
    public Settings withCustomTask(Task task) {
      List<Task> list = new ArrayList<>(customTasks);
      list.add(requireNonNull(task, "task"));
      return new Settings(glueDir, outputDir, tasks, list, trainBudget, symmetricPairs, pipeline);
    }

    /** These settings with a preset's hyper-parameters (into the pipeline's settings) and training budget. */
    public Settings withPreset(Preset preset) {
      return new Settings(glueDir, outputDir, tasks, customTasks, preset.trainBudget(), symmetricPairs,
          pipeline.withRecipe(preset.recipe()));
    }

    /** These settings with another training budget. */
    public Settings withTrainBudget(TrainBudget budget) {
      return new Settings(glueDir, outputDir, tasks, customTasks, budget, symmetricPairs, pipeline);
    }

    /** These settings with MRPC's and STS-B's pairs also trained in the other order, or not. */
    public Settings withSymmetricPairs(boolean swap) {
      return new Settings(glueDir, outputDir, tasks, customTasks, trainBudget, swap, pipeline);
    }

    /** These settings with other training settings. */
    public Settings withPipeline(PipelineSettings settings) {
      return new Settings(glueDir, outputDir, tasks, customTasks, trainBudget, symmetricPairs, settings);
    }

    /** These settings with the training settings changed, e.g. {@code s.withPipeline(p -> p.withSeed(3))}. */
    public Settings withPipeline(UnaryOperator<PipelineSettings> change) {
      return withPipeline(change.apply(pipeline));
    }
  }

  private final Settings settings;
  private final @Nullable PrintStream progress;

  private GlueBam(Settings settings, @Nullable PrintStream progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /**
   * The runner of {@code settings}.
   *
   * @param progress where progress lines and bars go, or null for none
   * @throws IllegalArgumentException for a missing GLUE directory, or mixed precision on a CPU
   */
  public static GlueBam of(Settings settings, @Nullable PrintStream progress) {
    requireNonNull(settings, "settings");
    checkArgument(Files.isDirectory(settings.glueDir()), "GLUE directory %s does not exist or is not a directory",
        settings.glueDir().toAbsolutePath());
    if (settings.pipeline().mixedPrecision()) {
      BornAgainTrainer.checkMixedPrecisionDevice(settings.pipeline().device());
    }
    return new GlueBam(settings, progress);
  }

  /** The run's settings. */
  public Settings settings() {
    return settings;
  }

  /**
   * Runs (or continues) the pipeline; see the class comment for what it writes.
   *
   * @throws java.nio.file.NoSuchFileException naming the expected file when a task's data is missing
   * @throws GlueFormatException naming file and line for a malformed row
   */
  public Result run() throws IOException {
    return run(PipelineRunner.LOCAL);
  }

  /**
   * {@link #run()} on another runner (a cluster's): the same files and results.
   *
   * @throws java.nio.file.NoSuchFileException naming the expected file when a task's data is missing
   * @throws GlueFormatException naming file and line for a malformed row
   */
  public Result run(PipelineRunner runner) throws IOException {
    long started = System.nanoTime();
    PipelineResult run = runner.run(job(), progress);
    Map<String, GlueScore> scores = new LinkedHashMap<>();
    run.scores().forEach((method, s) -> scores.put(method, GlueScore.of(s)));
    Result result = new Result(ImmutableMap.copyOf(scores), run.outputDir(), run.studentModel(),
        run.finetunedModels(), run.finalStepFiles(), (System.nanoTime() - started) / 1e9);
    if (progress != null) {
      progress.printf(Locale.ROOT, "done in %.0f s: %s, %s, %d submission file(s) in %s%n", result.seconds(),
          result.outputDir().resolve("results.md"), result.outputDir().resolve("results.json"),
          result.submissionFiles().size(), settings.outputDir().resolve(SUBMISSION));
    }
    return result;
  }

  /**
   * The pipeline job of this run: the tasks read and checked from the GLUE directory, with the submission files
   * as its final step. A cluster's machines each read the same job from the shared directory.
   *
   * @throws java.nio.file.NoSuchFileException naming the expected file when a task's data is missing
   * @throws GlueFormatException naming file and line for a malformed row
   */
  public PipelineJob job() throws IOException {
    GlueReader reader = GlueReader.builder(settings.glueDir()).optTrainBudget(settings.trainBudget()).build();
    List<Entry> entries = readTasks(reader);
    Path submission = settings.outputDir().resolve(SUBMISSION);
    return new PipelineJob(settings.outputDir(), settings.pipeline(),
        entries.stream().map(Entry::pipelineTask).toList(), STYLE,
        models -> writeSubmissions(entries, reader, models, submission));
  }

  /** A task to train: a GLUE task read from the directory, or a user's own task ({@code glue} null). */
  private record Entry(@Nullable GlueTask glue, PipelineTask pipelineTask) {}

  private List<Entry> readTasks(GlueReader reader) throws IOException {
    Path glueDir = settings.glueDir();
    List<GlueTask> glueTasks = new ArrayList<>(settings.tasks());
    if (glueTasks.isEmpty() && settings.customTasks().isEmpty()) {
      glueTasks.addAll(GlueReader.availableTasks(glueDir));
      checkArgument(!glueTasks.isEmpty(), "no GLUE task found in %s: expected <dir>/<Task>/train.tsv and dev.tsv"
          + " (for example %s)", glueDir.toAbsolutePath(), glueDir.resolve("SST-2/train.tsv"));
    }
    List<Entry> entries = new ArrayList<>();
    for (GlueTask g : glueTasks) {
      Task task = reader.read(g);
      Map<String, List<Example>> otherDev = readOtherEvalSets(reader, g);
      if (settings.symmetricPairs() && g.symmetricPair()) {
        task = withSwappedPairs(task);
      }
      entries.add(new Entry(g, new PipelineTask(task, g.primaryEvalSet().displayName(), g.dirName(), otherDev)));
    }
    for (Task custom : settings.customTasks()) {
      checkArgument(entries.stream().noneMatch(e -> e.pipelineTask().name().equals(custom.name())),
          "custom task %s has the name of a GLUE task in this run", custom.name());
      checkArgument(!custom.dev().isEmpty(), "custom task %s has no dev examples to evaluate on", custom.name());
      entries.add(new Entry(null, PipelineTask.of(custom)));
    }
    return entries;
  }

  /**
   * Reads the evaluation files that {@link GlueReader#read} leaves out (MNLI-mm's dev and test, AX) before
   * training, because a malformed, empty or non-UTF-8 one must stop the run before hours of training, not
   * after. Returns the dev sets by row name (scored after training); test sets are read again when predicted.
   */
  private static Map<String, List<Example>> readOtherEvalSets(GlueReader reader, GlueTask task) throws IOException {
    Map<String, List<Example>> dev = new LinkedHashMap<>();
    for (GlueEvalSet set : task.evalSets()) {
      if (set == task.primaryEvalSet()) {
        continue;
      }
      if (reader.hasDev(set)) {
        dev.put(set.displayName(), reader.readDev(set));
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

  /**
   * Writes the submission file of every GLUE evaluation set whose test file is present, and deletes the other sets'
   * files there, so that {@code dir} holds this run's submission and nothing else.
   */
  private List<Path> writeSubmissions(List<Entry> entries, GlueReader reader, FinalModels models, Path dir)
      throws IOException {
    List<Path> files = new ArrayList<>();
    Map<String, GlueTask> glue = new LinkedHashMap<>();
    entries.stream().filter(e -> e.glue() != null).forEach(e -> glue.put(e.pipelineTask().name(), e.glue()));
    int maxLength = settings.pipeline().recipe().maxLength();
    models.forEachModel(List.copyOf(glue.keySet()), (model, names) -> {
      for (String name : names) {
        GlueTask task = glue.get(name);
        for (GlueEvalSet set : task.evalSets()) {
          if (!reader.hasTest(set)) {
            continue;
          }
          List<Example> test = reader.readTest(set);
          float[][] outputs = model.predict(name, test, maxLength);
          double[] predictions = new double[outputs.length];
          for (int i = 0; i < outputs.length; i++) {
            predictions[i] = Evaluation.prediction(model.kind(name), outputs[i]);
          }
          files.add(SubmissionWriter.write(dir, set, test, predictions));
        }
      }
    });
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

  /**
   * What a run produced.
   *
   * @param scores dev scores by method, in column order: {@value #MAJORITY} and {@value #BEST_CONSTANT} (the
   *     baselines), {@value #SINGLE} (the teachers), {@value #BAM} (the student) and, with fine-tuning,
   *     {@value #BAM_FINETUNED}
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
      Map<String, DevScores> dev = new LinkedHashMap<>();
      scores.forEach((method, s) -> dev.put(method, s.scores()));
      return new PipelineResult(dev, outputDir, studentModel, finetunedModels, submissionFiles, seconds)
          .markdown(STYLE);
    }
  }
}
