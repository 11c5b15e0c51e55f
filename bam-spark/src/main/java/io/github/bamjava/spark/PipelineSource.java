package io.github.bamjava.spark;

import io.github.bamjava.pipeline.PipelineJob;
import io.github.bamjava.pipeline.PipelineUnit;
import io.github.bamjava.train.RunListener;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * How every machine of a cluster builds the same pipeline run: the driver and each executor call {@link #job()}
 * and read the run's data from the shared files themselves, so that no data set travels through Spark. A source
 * is sent to the executors, so it must be serializable and small: a path and the options that make the run (the
 * command line's arguments, a task file's path), not the examples.
 *
 * <p>Every machine must get the same job: the executors check that their run has the driver's key (settings and
 * data fingerprints, see {@link io.github.bamjava.pipeline.PipelineWork#key()}) before they write anything.
 */
public interface PipelineSource extends Serializable {

  /**
   * Reads and checks the run's data and settings.
   *
   * @throws IOException naming the file that cannot be read
   */
  PipelineJob job() throws IOException;

  /**
   * Training listeners of the source's own for a unit, added on the executor that trains it (after the progress
   * bar): a report to one's own monitoring, say. None by default.
   */
  default List<RunListener> listeners(PipelineUnit unit) {
    return List.of();
  }
}
