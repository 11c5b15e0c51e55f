package io.github.bamjava.distill;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.bamjava.encoder.Scalars;
import io.github.bamjava.task.TaskKind;
import java.util.List;

/**
 * The student's loss on a minibatch that mixes tasks.
 *
 * <p>Every head has produced outputs for every example; each example's loss is taken from its own task's head
 * only (a mask per task), weighted by the task's weight, summed, and divided by the batch size:
 * by default ({@link LossFunction#paper()}) cross-entropy to the target distribution for classification, squared
 * error for regression. Targets come
 * from {@link AnnealedTarget}, so the same loss serves plain training (gold targets), distillation and teacher
 * annealing.
 */
public final class DistillationLoss {

  private final List<TaskKind> kinds;
  private final float[] weights;
  private final LossFunction function;

  /**
   * The paper's loss ({@link LossFunction#paper()}).
   *
   * @param kinds the kind of each task, in head order
   * @param weights each task's loss weight, in head order
   */
  public DistillationLoss(List<TaskKind> kinds, float[] weights) {
    this(kinds, weights, LossFunction.paper());
  }

  /**
   * @param kinds the kind of each task, in head order
   * @param weights each task's loss weight, in head order
   * @param function the per-example loss of one task's outputs against its targets
   */
  public DistillationLoss(List<TaskKind> kinds, float[] weights, LossFunction function) {
    this.function = requireNonNull(function, "function");
    checkArgument(kinds.size() == weights.length, "%s tasks but %s weights", kinds.size(), weights.length);
    for (float w : weights) {
      checkArgument(w >= 0 && Float.isFinite(w), "task weights must be finite and >= 0, got %s", w);
    }
    this.kinds = List.copyOf(kinds);
    this.weights = weights.clone();
  }

  /**
   * The host-side targets of a batch turned into arrays: per task, targets [B, k] and a mask [B].
   *
   * @param manager owns the arrays (the step's manager)
   * @param taskOfExample each example's task index
   * @param targets each example's target, of its task's output size
   */
  public Targets targets(NDManager manager, int[] taskOfExample, List<float[]> targets) {
    int batch = taskOfExample.length;
    checkArgument(targets.size() == batch, "%s examples but %s targets", batch, targets.size());
    NDList values = new NDList(kinds.size());
    NDList masks = new NDList(kinds.size());
    for (int t = 0; t < kinds.size(); t++) {
      int k = kinds.get(t).outputSize();
      float[] v = new float[batch * k];
      float[] m = new float[batch];
      for (int b = 0; b < batch; b++) {
        if (taskOfExample[b] == t) {
          float[] target = targets.get(b);
          checkArgument(target.length == k, "example %s of task %s has a target of size %s, expected %s", b, t,
              target.length, k);
          System.arraycopy(target, 0, v, b * k, k);
          m[b] = 1f;
        }
      }
      values.add(manager.create(v, new Shape(batch, k)));
      masks.add(manager.create(m));
    }
    return new Targets(values, masks, batch);
  }

  /**
   * Each task's weighted loss summed over its examples in the batch, shape [T]. Divide the sum by the batch
   * size ({@link #total}) for the loss to minimise; the per-task sums are what logs report.
   */
  public NDArray perTask(NDList outputs, Targets targets) {
    checkArgument(outputs.size() == kinds.size(), "%s head outputs for %s tasks", outputs.size(), kinds.size());
    NDList sums = new NDList(kinds.size());
    for (int t = 0; t < kinds.size(); t++) {
      NDArray out = outputs.get(t);
      NDArray target = targets.values().get(t);
      NDArray perExample = function.perExample(kinds.get(t), out, target);
      NDArray sum = perExample.mul(targets.masks().get(t)).sum();
      sums.add(sum.mul(Scalars.of(sum, weights[t])));
    }
    return NDArrays.stack(sums);
  }

  /** The loss to minimise: the per-task sums added up and divided by the batch size. */
  public static NDArray total(NDArray perTask, int batchSize) {
    NDArray sum = perTask.sum();
    return sum.div(Scalars.of(sum, batchSize));
  }

  /**
   * Targets of one batch, in head order.
   *
   * @param values per task: targets [B, k] (zero rows for other tasks' examples)
   * @param masks per task: 1 where the example belongs to the task, else 0, shape [B]
   * @param batchSize the number of examples
   */
  public record Targets(NDList values, NDList masks, int batchSize) {}
}
