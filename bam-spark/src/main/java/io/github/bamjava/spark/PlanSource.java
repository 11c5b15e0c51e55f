package io.github.bamjava.spark;

import io.github.bamjava.pipeline.WorkPlan;
import io.github.bamjava.train.RunListener;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * How every machine of a cluster builds the same {@link WorkPlan} (a study, say): the driver and each executor
 * call {@link #plan()} and read the data from the shared files themselves. A source is sent to the executors, so
 * it must be serializable and small: the options that make the plan (a command line, a few paths), not its data.
 * Before an executor writes, it checks that its plan has the driver's {@link WorkPlan#key() key} and output
 * directory.
 *
 * @param <U> the plan's unit, sent to the executor that runs it
 */
public interface PlanSource<U extends Serializable> extends Serializable {

  /**
   * Builds the plan from the shared files.
   *
   * @throws IOException naming the file that cannot be read
   */
  WorkPlan<U> plan() throws IOException;

  /** Training listeners of the source's own for a unit, added on the executor that runs it. None by default. */
  default List<RunListener> listeners(U unit) {
    return List.of();
  }
}
