package io.github.bamjava.pipeline;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import java.util.List;
import java.util.Map;

/**
 * A task of a {@link BamPipeline} run and where its dev results go: the row of its dev set, the task its rows count
 * for in the overall score, and further labelled sets every method is scored on (MNLI's mismatched dev set).
 *
 * @param task the task, with its training and dev examples
 * @param devName the name of the dev set's row in the results, usually the task's name
 * @param scoreGroup the name its rows are averaged under in the overall score, usually the task's name
 * @param otherDev further labelled sets by row name, scored by every method and averaged with the dev set
 */
public record PipelineTask(Task task, String devName, String scoreGroup, Map<String, List<Example>> otherDev) {

  /** Checks the parts and copies the sets. */
  public PipelineTask {
    requireNonNull(task, "task");
    requireNonNull(devName, "devName");
    requireNonNull(scoreGroup, "scoreGroup");
    ImmutableMap.Builder<String, List<Example>> copy = ImmutableMap.builder();
    otherDev.forEach((name, examples) -> copy.put(name, ImmutableList.copyOf(examples)));
    otherDev = copy.build();
  }

  /** A task scored on its dev set alone, under its own name. */
  public static PipelineTask of(Task task) {
    return new PipelineTask(task, task.name(), task.name(), Map.of());
  }

  /** The task's name. */
  public String name() {
    return task.name();
  }
}
