package io.github.bamjava.spark;

import static java.util.Objects.requireNonNull;

import io.github.bamjava.internal.io.OutputLock;
import io.github.bamjava.pipeline.WorkPlan;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link WorkPlan} (a study's jobs) on Spark, each unit a Spark task of its own, in the order the units'
 * inputs allow: a unit is submitted as soon as every unit it needs is done, so the cluster's executors stay busy
 * without waiting for a whole wave. The plan alone decides what a unit needs and whether it is done, as for the
 * single-machine runners, so a plan started on one machine can be continued on Spark and back.
 *
 * <p>The driver holds the output directory's lock for the run (a second driver fails at once); each training
 * locks its own folder. A task that fails is retried by Spark ({@code spark.task.maxFailures}) and resumes from
 * its last checkpoint; a unit that fails every try is reported, the others go on, and the units that need it are
 * left undone. Ctrl-C or {@code kill} of the driver stops the running units after their current step, each with
 * a checkpoint of it ({@link DriverStop}). One training per executor JVM ({@link ExecutorSlots}), on the GPU Spark
 * assigns ({@link DeviceChoice}).
 */
public final class SparkPlan {

  private SparkPlan() {}

  /**
   * What a run of a plan did.
   *
   * @param units the plan's units
   * @param ran the units that ran as Spark tasks and are done
   * @param failed the units that failed every try, with the first lines of their errors
   * @param unfinished the units not done at the end: the failed ones and those that need them
   */
  public record Outcome(int units, List<String> ran, Map<String, String> failed, List<String> unfinished) {

    /** Copies the lists. */
    public Outcome {
      ran = List.copyOf(ran);
      failed = Map.copyOf(failed);
      unfinished = List.copyOf(unfinished);
    }

    /** Whether every unit of the plan is done. */
    public boolean finished() {
      return unfinished.isEmpty();
    }
  }

  /**
   * Runs the plan on a Spark context of its own on {@code master} ({@code local[N]} inside this JVM), stopped at
   * the end; {@code spark.task.cpus} is set to one task per executor when {@code conf} leaves it out.
   *
   * @param progress where the driver's progress lines go, or null for none
   * @throws IllegalArgumentException when the settings could run two trainings in one executor JVM
   */
  public static <U extends Serializable> Outcome run(String master, Map<String, String> conf, PlanSource<U> source,
      @Nullable PrintStream progress) throws IOException {
    try (JavaSparkContext sc = SparkPipeline.newContext(master, conf, "BAM plan")) {
      return run(sc, source, progress);
    }
  }

  /**
   * Runs the plan on a Spark context that is already running (as under {@code spark-submit}); it must run one
   * task per executor.
   *
   * @throws IllegalArgumentException when the context could run two trainings in one executor JVM
   */
  public static <U extends Serializable> Outcome run(JavaSparkContext sc, PlanSource<U> source,
      @Nullable PrintStream progress) throws IOException {
    ExecutorSlots.check(sc.master(), SparkPipeline.settings(sc.getConf()), Runtime.getRuntime().availableProcessors());
    PrintStream log = progress == null ? new PrintStream(PrintStream.nullOutputStream()) : progress;
    WorkPlan<U> plan = requireNonNull(source.plan(), "plan");
    Path out = SharedDirectory.check(plan.outputDir(), ExecutorSlots.isLocal(sc.master()));
    Files.createDirectories(out);
    try (OutputLock lock = OutputLock.acquire(out); DriverStop stop = DriverStop.open()) {
      return runLocked(sc, plan, source, out, log);
    }
  }

  /**
   * Runs the driver's {@code plan}, which {@code source} builds on the executors, into {@code out}: the caller holds
   * the directory's lock and a {@link DriverStop} for the whole run.
   */
  static <U extends Serializable> Outcome runLocked(JavaSparkContext sc, WorkPlan<U> plan, PlanSource<U> source,
      Path out, PrintStream log) throws IOException {
    PlanTask<U> task = new PlanTask<>(source, out.toString(), plan.key().toString());
    List<U> units = startOrder(plan);
    long started = System.nanoTime();
    log.printf(Locale.ROOT, "on Spark (%s, application %s): %d unit(s) into %s%n", sc.master(),
        sc.sc().applicationId(), units.size(), out);
    Map<U, JavaFutureAction<Void>> running = new LinkedHashMap<>();
    Map<String, String> failed = new LinkedHashMap<>();
    List<String> ran = new ArrayList<>();
    // Units whose end is logged: those that ran here, and those found done without running here (from an earlier
    // run, or done again by what ran: a student whose damaged inputs were redone to the same bits).
    Set<U> ended = new HashSet<>();
    try {
      while (true) {
        DriverStop.check(sc, log); // before starting more units
        for (U unit : units) {
          if (running.containsKey(unit) || failed.containsKey(unit.toString())) {
            continue;
          }
          Optional<String> why = plan.pending(unit);
          if (why.isEmpty() && ended.add(unit)) {
            log.printf(Locale.ROOT, "  already done: %s%n", unit);
          } else if (why.isPresent() && ready(plan, unit)) {
            log.printf(Locale.ROOT, "  start: %s (%s)%n", unit, why.get().lines().findFirst().orElse(""));
            sc.setJobDescription("BAM " + unit);
            running.put(unit, sc.parallelize(List.of(unit), 1).foreachAsync(task::run));
          }
        }
        if (running.isEmpty()) {
          break;
        }
        U finished = awaitOne(running, sc, log);
        JavaFutureAction<Void> result = running.remove(finished);
        long now = System.nanoTime();
        try {
          result.get();
        } catch (ExecutionException e) {
          DriverStop.check(sc, log); // stopped by the request itself (local mode), not failed
          Throwable cause = e.getCause() == null ? e : e.getCause();
          failed.put(finished.toString(), SparkPipeline.firstLine(cause.getMessage()));
          log.printf(Locale.ROOT, "  FAILED after its retries: %s: %s%n", finished, failed.get(finished.toString()));
          continue;
        }
        Optional<String> still = plan.pending(finished);
        if (still.isPresent()) {
          throw new IllegalStateException("Spark ran " + finished + " without error, but it is not done: "
              + still.get() + ". Do the executors see " + out + " as the driver does (a shared mount)?");
        }
        ran.add(finished.toString());
        ended.add(finished);
        // Spark queues the jobs it has no free executor for, so the time since submission is not the unit's.
        log.printf(Locale.ROOT, "  done: %s (%.0f s into the run)%n", finished, (now - started) / 1e9);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the plan's Spark tasks", e);
    } finally {
      if (!running.isEmpty()) {
        // The driver stops early (an error, an interrupt): its tasks stop at their next step, and the lock is
        // released only once no unit writes any more.
        sc.cancelAllJobs();
        SparkPipeline.awaitNoRunningTasks(sc);
      }
    }
    List<String> unfinished = new ArrayList<>();
    for (U unit : units) {
      if (plan.pending(unit).isPresent()) {
        unfinished.add(unit.toString());
      }
    }
    log.printf(Locale.ROOT, "on Spark: %d unit(s) ran, %d failed, %d of %d not done, in %.0f s%n", ran.size(),
        failed.size(), unfinished.size(), units.size(), (System.nanoTime() - started) / 1e9);
    return new Outcome(units.size(), ran, failed, unfinished);
  }

  /**
   * The plan's units, largest first ({@link WorkPlan#size}) and otherwise in the plan's order. Units that become
   * ready together start in this order, and Spark hands jobs to free executors in the order they came: the long
   * units start first, so that the run does not end on one executor with the others idle.
   */
  static <U> List<U> startOrder(WorkPlan<U> plan) throws IOException {
    List<U> units = plan.units();
    Map<U, Long> sizes = new LinkedHashMap<>();
    for (U unit : units) {
      sizes.put(unit, plan.size(unit));
    }
    List<U> out = new ArrayList<>(units);
    out.sort(Comparator.comparingLong((U u) -> sizes.get(u)).reversed()); // stable: ties keep the plan's order
    return out;
  }

  /** Whether none of the units {@code unit} needs is pending. */
  private static <U> boolean ready(WorkPlan<U> plan, U unit) throws IOException {
    for (U input : plan.inputs(unit)) {
      if (plan.pending(input).isPresent()) {
        return false;
      }
    }
    return true;
  }

  /** Waits until one of the running units ends, and returns it; see {@link DriverStop#check} for a stop request. */
  private static <U> U awaitOne(Map<U, JavaFutureAction<Void>> running, JavaSparkContext sc, PrintStream log)
      throws InterruptedException {
    while (true) {
      for (Map.Entry<U, JavaFutureAction<Void>> e : running.entrySet()) {
        if (e.getValue().isDone()) {
          return e.getKey();
        }
      }
      DriverStop.check(sc, log);
      Thread.sleep(SparkPipeline.POLL_MILLIS);
    }
  }
}
