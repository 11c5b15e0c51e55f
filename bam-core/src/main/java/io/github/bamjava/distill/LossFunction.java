package io.github.bamjava.distill;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import io.github.bamjava.task.TaskKind;

/**
 * How one task's head outputs are scored against their targets (λ·gold + (1−λ)·teacher), example by example.
 * {@link DistillationLoss} masks, weights and sums what this returns; replace it to try another distillation
 * objective without touching the trainer.
 *
 * <p>Like the other strategies of a run, a loss knows its own name ({@link #describe()}), which goes into the
 * run's settings so that a resume with another loss is refused.
 */
public interface LossFunction {

  /**
   * The loss of every example of a batch under one task's head.
   *
   * @param kind the task's kind
   * @param output the head's output [B, k]: logits for classification, the [0, 1] value for regression
   * @param target the targets [B, k]: a distribution for classification, a value for regression
   * @return the loss per example, shape [B]
   */
  NDArray perExample(TaskKind kind, NDArray output, NDArray target);

  /** The loss's name and parameters, stable across JVMs. */
  String describe();

  /**
   * The paper's: cross-entropy to the target distribution for classification, squared error for regression.
   */
  static LossFunction paper() {
    return Paper.INSTANCE;
  }

  /** The paper's loss; see {@link #paper()}. */
  enum Paper implements LossFunction {
    /** The one instance. */
    INSTANCE;

    @Override
    public NDArray perExample(TaskKind kind, NDArray output, NDArray target) {
      requireNonNull(kind, "kind");
      return kind instanceof TaskKind.Classification
          ? target.mul(output.logSoftmax(1)).sum(new int[] {1}).neg()
          : output.sub(target).square().sum(new int[] {1});
    }

    @Override
    public String describe() {
      return "cross-entropy / squared error";
    }
  }
}
