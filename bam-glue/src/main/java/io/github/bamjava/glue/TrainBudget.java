package io.github.bamjava.glue;

import io.github.bamjava.task.TrainCap;
import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How many training examples each GLUE task keeps: a {@link TrainCap} per task where one is named, and one cap
 * for every other task.
 *
 * <p>A per-task budget exists because training cost follows real tokens, not examples (batches pad only to their
 * longest sequence and the encoder packs real tokens): a CoLA or SST-2 sentence is a fifth of an RTE pair, so a
 * short task can keep several times as many examples for the same compute.
 *
 * @param perTask the caps of tasks that have their own
 * @param otherwise the cap of every other task
 */
public record TrainBudget(Map<GlueTask, TrainCap> perTask, TrainCap otherwise) {

  /** Copies the per-task caps. */
  public TrainBudget {
    requireNonNull(otherwise, "otherwise");
    EnumMap<GlueTask, TrainCap> copy = new EnumMap<>(GlueTask.class);
    copy.putAll(requireNonNull(perTask, "perTask"));
    perTask = Collections.unmodifiableMap(copy);
  }

  /** The same cap for every task. */
  public static TrainBudget of(TrainCap cap) {
    return new TrainBudget(Map.of(), cap);
  }

  /** This budget with its own cap for {@code task}. */
  public TrainBudget with(GlueTask task, TrainCap cap) {
    EnumMap<GlueTask, TrainCap> caps = new EnumMap<>(GlueTask.class);
    caps.putAll(perTask);
    caps.put(requireNonNull(task, "task"), requireNonNull(cap, "cap"));
    return new TrainBudget(caps, otherwise);
  }

  /**
   * This budget with every random choice drawn with {@code seed}: the same number of examples a task, another
   * draw of them. Caps that keep all or the first N stay as they are.
   */
  public TrainBudget withSeed(long seed) {
    EnumMap<GlueTask, TrainCap> caps = new EnumMap<>(GlueTask.class);
    perTask.forEach((task, cap) -> caps.put(task, cap.withSeed(seed)));
    return new TrainBudget(caps, otherwise.withSeed(seed));
  }

  /** The cap of one task. */
  public TrainCap capOf(GlueTask task) {
    return perTask.getOrDefault(task, otherwise);
  }
}
