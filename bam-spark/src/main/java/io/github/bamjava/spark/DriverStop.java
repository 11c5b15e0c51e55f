package io.github.bamjava.spark;

import io.github.bamjava.runtime.GracefulStop;
import io.github.bamjava.runtime.RunStoppedException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.ShutdownHookManager;
import scala.runtime.BoxedUnit;

/**
 * A driver's run on Spark, stoppable by Ctrl-C or {@code kill} as a training on one machine is: the units running
 * on the executors stop after their current step with a checkpoint of it, and only then does Spark stop its
 * context. A rerun of the same command resumes every unit where it stopped.
 *
 * <p>Why: Spark stops its context in a shutdown hook of its own, which ends the executors and with them every step
 * since each unit's last checkpoint (up to 500 steps by default). While a run is open this class holds that hook
 * back with one of higher priority, which asks for a stop ({@link GracefulStop#requestShutdown()}) and waits until
 * the run has ended. The run's wait for its Spark tasks ({@link #check}) sees the request, cancels its jobs (each
 * unit then stops at its next step, {@link TaskSlot#stopOnKill}), waits until no task runs and throws {@link
 * RunStoppedException}. Spark gives its shutdown hooks together {@code spark.shutdown.timeout} (a system property
 * of the driver; 30 s when unset), after which it stops the context whatever the run does.
 *
 * <p>The run counts as a training under way for {@link GracefulStop}, so that the command line's own hook waits
 * for it and says so.
 */
final class DriverStop implements AutoCloseable {

  /** The longest the hook waits; in practice {@code spark.shutdown.timeout} ends it sooner. */
  private static final long MAX_WAIT_MINUTES = 10;

  private final CountDownLatch ended = new CountDownLatch(1);
  private final GracefulStop.Scope training = GracefulStop.enter();
  private final Object hook;

  private DriverStop() {
    hook = ShutdownHookManager.addShutdownHook(ShutdownHookManager.SPARK_CONTEXT_SHUTDOWN_PRIORITY() + 1, () -> {
      GracefulStop.requestShutdown();
      try {
        ended.await(MAX_WAIT_MINUTES, TimeUnit.MINUTES);
      } catch (InterruptedException e) { // Spark's shutdown timeout: it stops the context now
        Thread.currentThread().interrupt();
      }
      return BoxedUnit.UNIT;
    });
  }

  /** Opens a run: from now until {@link #close()}, a shutdown of the JVM waits for the run to stop. */
  static DriverStop open() {
    return new DriverStop();
  }

  /**
   * When a stop was requested: cancels the application's jobs, waits until no task runs (each training saves a
   * checkpoint of its current step) and throws. Called by the driver between its looks at the running tasks.
   *
   * @throws RunStoppedException when a stop was requested
   */
  static void check(JavaSparkContext sc, PrintStream log) {
    if (!GracefulStop.requested()) {
      return;
    }
    log.println("stop requested: the running unit(s) stop after their current step, each with a checkpoint of it");
    sc.cancelAllJobs();
    SparkPipeline.awaitNoRunningTasks(sc);
    throw new RunStoppedException("stopped on request; the units that were running saved a checkpoint of their"
        + " last step: run the same command again to resume");
  }

  @Override
  public void close() {
    training.close();
    ended.countDown();
    ShutdownHookManager.removeShutdownHook(hook);
  }
}
