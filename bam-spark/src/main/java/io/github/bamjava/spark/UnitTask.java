package io.github.bamjava.spark;

import ai.djl.Device;
import com.google.gson.JsonParser;
import io.github.bamjava.pipeline.PipelineJob;
import io.github.bamjava.pipeline.PipelineUnit;
import io.github.bamjava.pipeline.PipelineWork;
import io.github.bamjava.train.RunConfig;
import io.github.bamjava.train.RunListener;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.jspecify.annotations.Nullable;

/**
 * What a Spark task does on an executor: builds the run from its {@link PipelineSource}, checks that it is the
 * driver's run, picks the device, and does one {@link PipelineUnit} with {@link PipelineWork#run}. A retried task
 * does the same: a finished unit is found done, an interrupted training resumes from its last checkpoint.
 *
 * @param source how the executor builds the run
 * @param outputDir the driver's output directory
 * @param key the driver's {@link PipelineWork#key()}, as JSON
 */
record UnitTask(PipelineSource source, String outputDir, String key) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The last job built in this JVM, by its source: an executor does many units of one run. */
  private static final Map<PipelineSource, PipelineJob> JOBS = new LinkedHashMap<>();

  /** Does {@code unit} in this executor; see the class comment. */
  void run(PipelineUnit unit) throws Exception {
    TaskSlot.exclusively(() -> {
      PipelineJob job = job();
      TaskContext context = TaskContext.get();
      Device device = DeviceChoice.choose(TaskSlot.resources(context), job.settings().device());
      PipelineWork work = new PipelineWork(Path.of(outputDir), job.settings().withDevice(device), job.tasks(),
          System.out).withListeners(u -> listeners(u, context));
      checkSameRun(job, work);
      System.out.printf("%s on %s (attempt %d)%n", unit, device == null ? "the default device" : device,
          context == null ? 0 : context.attemptNumber());
      work.run(unit);
      return null;
    });
  }

  /** The source's listeners, and a stop at the next step once Spark kills the task (a cancelled job). */
  private List<RunListener> listeners(PipelineUnit unit, @Nullable TaskContext context) {
    List<RunListener> all = new ArrayList<>(source.listeners(unit));
    if (context != null) {
      all.add(TaskSlot.stopOnKill(context));
    }
    return all;
  }

  private PipelineJob job() throws IOException {
    synchronized (JOBS) {
      PipelineJob job = JOBS.get(source);
      if (job == null) {
        job = source.job();
        JOBS.clear();
        JOBS.put(source, job);
      }
      return job;
    }
  }

  /** Refuses to write into the run when this executor's view of it differs from the driver's. */
  private void checkSameRun(PipelineJob job, PipelineWork work) {
    Path driver = Path.of(outputDir);
    Path mine = job.outputDir().toAbsolutePath().normalize();
    List<String> differences = new ArrayList<>();
    if (!mine.equals(driver)) {
      differences.add("output directory: " + driver + " → " + mine);
    }
    differences.addAll(RunConfig.differences(JsonParser.parseString(key).getAsJsonObject(), work.key()));
    if (!differences.isEmpty()) {
      throw new IllegalStateException("this executor builds another run than the driver from the shared files"
          + " (another version of a data file, another build of the job's jar?), so it writes nothing into "
          + driver + ". What differs (driver → executor):\n  " + String.join("\n  ", differences));
    }
  }
}
