package io.github.bamjava.spark;

import static java.util.Objects.requireNonNull;

import io.github.bamjava.internal.io.OutputLock;
import io.github.bamjava.pipeline.BamPipeline;
import io.github.bamjava.pipeline.PipelineJob;
import io.github.bamjava.pipeline.PipelineResult;
import io.github.bamjava.pipeline.PipelineRunner;
import io.github.bamjava.pipeline.PipelineUnit;
import io.github.bamjava.pipeline.PipelineWork;
import io.github.bamjava.train.RunListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.jspecify.annotations.Nullable;
import scala.Tuple2;

/**
 * The BAM pipeline on a Spark cluster: the same units as {@link BamPipeline} (each teacher, its predictions, the
 * student, each fine-tuning), each a Spark task started by {@link SparkPlan} as soon as its inputs are done: all
 * teachers at once (the largest tasks' first), each teacher's predictions once it is trained, the student once
 * every prediction is written, then the fine-tunings. The driver holds the output directory's lock, decides which
 * units are pending ({@link PipelineWork}, the same decision as on one machine), scores the final models and
 * writes the same results files; executors build the run from the {@link PipelineSource}, check it is the driver's,
 * and do one unit each. Where a unit fails every try, the others go on as far as they can and the run fails
 * with its error. The files in the output directory are those of a {@link BamPipeline} run, bit for bit on
 * the same CPU type, so either can continue the other's run.
 *
 * <p>A task that fails (a killed executor, a lost node) is retried by Spark up to {@code spark.task.maxFailures}
 * times and resumes from the unit's last checkpoint; a finished unit is never done again. Ctrl-C or {@code kill}
 * of the driver stops the running units after their current step, each with a checkpoint of it ({@link
 * DriverStop}). See docs/scale-out.md for what the output directory must be and how to size executors.
 */
public final class SparkPipeline implements PipelineRunner {

  /** How often the driver looks whether its Spark tasks ended or a stop was requested. */
  static final long POLL_MILLIS = 200;

  private final @Nullable JavaSparkContext context;
  private final @Nullable String master;
  private final Map<String, String> conf;
  private final PipelineSource source;

  private SparkPipeline(@Nullable JavaSparkContext context, @Nullable String master, Map<String, String> conf,
      PipelineSource source) {
    this.context = context;
    this.master = master;
    this.conf = Map.copyOf(conf);
    this.source = requireNonNull(source, "source");
  }

  /**
   * A runner on a Spark context that is already running (as under {@code spark-submit}); it must run one task per
   * executor ({@link ExecutorSlots#check}).
   *
   * @throws IllegalArgumentException when the context could run two trainings in one executor JVM
   */
  public static SparkPipeline on(JavaSparkContext context, PipelineSource source) {
    Map<String, String> settings = settings(context.getConf());
    ExecutorSlots.check(context.master(), settings, Runtime.getRuntime().availableProcessors());
    return new SparkPipeline(context, null, Map.of(), source);
  }

  /**
   * A runner that starts its own Spark context for each run on {@code master} ({@code local[4]} runs inside this
   * JVM; {@code spark://host:7077} on a standalone cluster) and stops it at the end, with {@code spark.task.cpus}
   * set to one task per executor when {@code conf} leaves it out.
   *
   * @param conf further Spark settings ({@code spark.executor.cores}, {@code spark.jars}, …); Spark's system
   *     properties ({@code -Dspark...}, {@code spark-submit --conf}) apply too
   * @throws IllegalArgumentException when the settings could run two trainings in one executor JVM
   */
  public static SparkPipeline start(String master, Map<String, String> conf, PipelineSource source) {
    SparkConf all = new SparkConf().setAll(scala.jdk.javaapi.CollectionConverters.asScala(conf)).setMaster(master);
    ExecutorSlots.required(master, settings(all), Runtime.getRuntime().availableProcessors());
    return new SparkPipeline(null, master, conf, source);
  }

  @Override
  public PipelineResult run(PipelineJob job, @Nullable PrintStream progress) throws IOException {
    if (context != null) {
      return run(context, job, progress);
    }
    try (JavaSparkContext started = newContext(requireNonNull(master), conf, "BAM " + job.outputDir().getFileName())) {
      return run(started, job, progress);
    }
  }

  private PipelineResult run(JavaSparkContext sc, PipelineJob job, @Nullable PrintStream progress)
      throws IOException {
    long started = System.nanoTime();
    PrintStream log = progress == null ? new PrintStream(PrintStream.nullOutputStream()) : progress;
    Path out = SharedDirectory.check(job.outputDir(), ExecutorSlots.isLocal(sc.master()));
    PipelineWork work = new PipelineWork(out, job.settings(), job.tasks(), progress);
    Files.createDirectories(out);
    // The driver holds the run's lock until the results are written: a second driver (or a plain run) into the
    // directory fails at once. The executors do not take it; each training locks its own directory, as on one
    // machine.
    try (OutputLock lock = OutputLock.acquire(out); DriverStop stop = DriverStop.open()) {
      log.printf(Locale.ROOT, "BAM on Spark (%s, application %s) on %d task(s): %s; preset %s; encoder %s%n",
          sc.master(), sc.sc().applicationId(), job.tasks().size(),
          String.join(", ", work.tasks().stream().map(t -> t.name()).toList()), job.settings().recipe().name(),
          job.settings().encoder().describe());
      SparkPlan.Outcome outcome = SparkPlan.runLocked(sc, work, new Plan(source), out, log);
      if (!outcome.failed().isEmpty()) {
        Map.Entry<String, String> first = outcome.failed().entrySet().iterator().next();
        throw new IOException("a BAM unit failed on Spark after its retries, " + first.getKey() + ": "
            + first.getValue() + (outcome.unfinished().size() > 1 ? "\n(not done: "
            + String.join(", ", outcome.unfinished()) + "; the units that ran are kept)" : ""));
      }
      return work.results(job.style(), job.finalStep(), (System.nanoTime() - started) / 1e9);
    }
  }

  /**
   * The pipeline as a plan for {@link SparkPlan}: each executor builds the run from the source, as the driver
   * did, and does its units on it.
   */
  record Plan(PipelineSource source) implements PlanSource<PipelineUnit> {

    private static final long serialVersionUID = 1L;

    @Override
    public PipelineWork plan() throws IOException {
      PipelineJob job = source.job();
      return new PipelineWork(job.outputDir(), job.settings(), job.tasks(), System.out);
    }

    @Override
    public List<RunListener> listeners(PipelineUnit unit) {
      return source.listeners(unit);
    }
  }

  /**
   * A Spark context on {@code master} with {@code conf}, named {@code name} unless the settings name it, and
   * {@code spark.task.cpus} set to one task per executor when {@code conf} leaves it out.
   *
   * @throws IllegalArgumentException when the settings could run two trainings in one executor JVM
   */
  static JavaSparkContext newContext(String master, Map<String, String> conf, String name) {
    SparkConf sparkConf = new SparkConf().setAll(scala.jdk.javaapi.CollectionConverters.asScala(conf))
        .setMaster(master).setIfMissing("spark.app.name", name);
    ExecutorSlots.required(master, settings(sparkConf), Runtime.getRuntime().availableProcessors())
        .forEach(sparkConf::set);
    return new JavaSparkContext(sparkConf);
  }

  /** Waits (up to ten minutes) until no executor runs a task of this application. */
  static void awaitNoRunningTasks(JavaSparkContext sc) {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (System.nanoTime() < deadline && java.util.Arrays.stream(sc.sc().statusTracker().getExecutorInfos())
        .anyMatch(e -> e.numRunningTasks() > 0)) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  static String firstLine(@Nullable String message) {
    return message == null ? "(no message)" : message.lines().limit(3).reduce((a, b) -> a + "\n" + b).orElse("");
  }

  static Map<String, String> settings(SparkConf conf) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Tuple2<String, String> t : conf.getAll()) {
      out.put(t._1(), t._2());
    }
    return out;
  }
}
