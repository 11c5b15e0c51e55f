package io.github.bamjava.pipeline;

import ai.djl.Device;
import com.google.gson.JsonObject;
import io.github.bamjava.train.RunListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Work made of units that depend on each other only through files in one output directory: a pipeline run's
 * teachers, predictions, student and fine-tunings ({@link PipelineWork}), or a study's jobs. The plan is the one
 * place that says what a unit needs, whether it is done, and how it is done; whoever runs the units (one process
 * after the other, several processes claiming units, or a cluster's tasks) asks it and nothing else, so that the
 * runners can continue each other's work.
 *
 * @param <U> a unit: a small value that names the work (serializable, for a cluster to send it)
 */
public interface WorkPlan<U> {

  /** Where the units write. */
  Path outputDir();

  /**
   * What every machine that works on the plan must agree on (settings, data sizes or fingerprints): each builds the
   * plan from the shared files itself, and one that gets another key must not write.
   */
  JsonObject key() throws IOException;

  /** Every unit, in an order that puts each after the units it needs. */
  List<U> units() throws IOException;

  /** The units whose outputs {@code unit} reads: it may run once none of them is pending. */
  List<U> inputs(U unit) throws IOException;

  /** Why {@code unit} must run, or empty when its outputs are there, whole, and from the same settings and data. */
  Optional<String> pending(U unit) throws IOException;

  /**
   * A rough measure of the work {@code unit} does, for a runner that starts several units at once: it starts the
   * largest of the ready units first, so that the run does not end waiting for a long unit that started last. Only
   * the order matters; 0 for every unit (the plan's own order) by default.
   */
  default long size(U unit) throws IOException {
    return 0;
  }

  /** Does {@code unit}, whose inputs are done; a unit done already is not done again. */
  void run(U unit) throws IOException;

  /** This plan with its trainings on {@code device} (a cluster task's GPU); the run's own device when null. */
  WorkPlan<U> withDevice(@Nullable Device device);

  /** This plan with further training listeners per unit (a cluster's stop on cancel, a progress report). */
  WorkPlan<U> withListeners(Function<U, List<RunListener>> listeners);
}
