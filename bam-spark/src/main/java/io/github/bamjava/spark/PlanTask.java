package io.github.bamjava.spark;

import ai.djl.Device;
import com.google.gson.JsonParser;
import io.github.bamjava.pipeline.WorkPlan;
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

/**
 * What a Spark task of a {@link SparkPlan} does on an executor: builds the plan from its {@link PlanSource}
 * (once per JVM), checks that it is the driver's plan, picks the device, and runs one unit with
 * {@link WorkPlan#run}. A retried task does the same: a finished unit is found done, an interrupted training
 * resumes from its last checkpoint.
 *
 * @param source how the executor builds the plan
 * @param outputDir the driver's output directory
 * @param key the driver's {@link WorkPlan#key()}, as JSON
 */
record PlanTask<U extends Serializable>(PlanSource<U> source, String outputDir, String key) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The last plan built in this JVM, by its source: an executor runs many units of one plan. */
  private static final Map<PlanSource<?>, WorkPlan<?>> PLANS = new LinkedHashMap<>();

  /** Runs {@code unit} in this executor; see the class comment. */
  void run(U unit) throws Exception {
    TaskSlot.exclusively(() -> {
      WorkPlan<U> plan = plan();
      checkSamePlan(plan);
      TaskContext context = TaskContext.get();
      Device device = DeviceChoice.choose(TaskSlot.resources(context), null);
      WorkPlan<U> here = plan.withDevice(device).withListeners(u -> {
        List<RunListener> all = new ArrayList<>(source.listeners(u));
        if (context != null) {
          all.add(TaskSlot.stopOnKill(context));
        }
        return all;
      });
      System.out.printf("%s on %s (attempt %d)%n", unit, device == null ? "the run's device" : device,
          context == null ? 0 : context.attemptNumber());
      here.run(unit);
      return null;
    });
  }

  @SuppressWarnings("unchecked")
  private WorkPlan<U> plan() throws IOException {
    synchronized (PLANS) {
      WorkPlan<?> plan = PLANS.get(source);
      if (plan == null) {
        plan = source.plan();
        PLANS.clear();
        PLANS.put(source, plan);
      }
      return (WorkPlan<U>) plan;
    }
  }

  /** Refuses to write when this executor's view of the plan differs from the driver's. */
  private void checkSamePlan(WorkPlan<U> plan) throws IOException {
    Path driver = Path.of(outputDir);
    Path mine = plan.outputDir().toAbsolutePath().normalize();
    List<String> differences = new ArrayList<>();
    if (!mine.equals(driver)) {
      differences.add("output directory: " + driver + " → " + mine);
    }
    differences.addAll(RunConfig.differences(JsonParser.parseString(key).getAsJsonObject(), plan.key()));
    if (!differences.isEmpty()) {
      throw new IllegalStateException("this executor builds another plan than the driver from the shared files"
          + " (another version of a data file, another build of the job's jar?), so it writes nothing into "
          + driver + ". What differs (driver → executor):\n  " + String.join("\n  ", differences));
    }
  }
}
