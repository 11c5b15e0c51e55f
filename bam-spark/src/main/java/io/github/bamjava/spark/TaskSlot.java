package io.github.bamjava.spark;

import io.github.bamjava.train.RunListener;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.jspecify.annotations.Nullable;

/**
 * What every BAM task on an executor shares, whatever it runs (a pipeline unit, a study job): one training per
 * JVM at a time, a stop at the next step once Spark cancels the task, and the task's resources.
 */
final class TaskSlot {

  /** Whether this JVM trains now: a second training at the same time would share DJL's gradient collector. */
  private static final AtomicBoolean BUSY = new AtomicBoolean();

  private TaskSlot() {}

  /**
   * Runs {@code work} as this JVM's only training.
   *
   * @throws IllegalStateException when another task of this JVM trains now
   */
  static <T> T exclusively(Callable<T> work) throws Exception {
    if (!BUSY.compareAndSet(false, true)) {
      throw new IllegalStateException("this executor JVM already runs a BAM unit, and DJL trains one model per"
          + " process at a time: set " + ExecutorSlots.TASK_CPUS + " equal to " + ExecutorSlots.EXECUTOR_CORES
          + " so that Spark runs one task per executor");
    }
    try {
      return work.call();
    } finally {
      BUSY.set(false);
    }
  }

  /**
   * A listener that stops the training after its current step, with a checkpoint of that step, once Spark kills the
   * task (its driver cancelled the job, on Ctrl-C or an error elsewhere): a rerun resumes there.
   */
  static RunListener stopOnKill(TaskContext context) {
    return new RunListener() {
      @Override
      public boolean stopRequested() {
        return context.isInterrupted();
      }
    };
  }

  /** The task's resources by name (GPUs as {@value DeviceChoice#GPU}), each with its addresses; none outside a task. */
  static Map<String, String[]> resources(@Nullable TaskContext context) {
    Map<String, String[]> out = new LinkedHashMap<>();
    if (context != null) {
      scala.jdk.javaapi.CollectionConverters.asJava(context.resources())
          .forEach((name, info) -> out.put(name, info.addresses()));
    }
    return out;
  }
}
