package io.github.bamjava.sampling;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * How often each task is drawn when tasks are trained together.
 *
 * <p>A strategy maps dataset sizes to drawing probabilities; the batcher then fills each epoch accordingly.
 * The paper samples task t with probability ∝ |D_t|^0.75, between uniform (small tasks over-trained, large
 * ones under-trained) and proportional (small tasks barely seen). New strategies implement this interface.
 */
@FunctionalInterface
public interface TaskSampler {

  /**
   * The probability of drawing each task.
   *
   * @param sizes the number of training examples of each task, all positive
   * @return probabilities in the same order, summing to 1
   */
  double[] probabilities(long[] sizes);

  /** The paper's default: ∝ |D|^0.75. */
  static TaskSampler paperDefault() {
    return sizeExponent(0.75);
  }

  /** Draws task t with probability ∝ |D_t|^alpha; alpha 0 is uniform, 1 is proportional. */
  static TaskSampler sizeExponent(double alpha) {
    checkArgument(alpha >= 0 && Double.isFinite(alpha), "task size exponent must be >= 0, got %s", alpha);
    return sizes -> {
      double[] p = new double[sizes.length];
      double total = 0;
      for (int i = 0; i < sizes.length; i++) {
        checkArgument(sizes[i] > 0, "task %s has %s training examples; every task needs at least one", i,
            sizes[i]);
        p[i] = Math.pow(sizes[i], alpha);
        total += p[i];
      }
      for (int i = 0; i < p.length; i++) {
        p[i] /= total;
      }
      return p;
    };
  }

  /** Every task equally often, whatever its size. */
  static TaskSampler uniform() {
    return sizeExponent(0);
  }

  /** Every example equally often: tasks in proportion to their sizes. */
  static TaskSampler proportional() {
    return sizeExponent(1);
  }
}
