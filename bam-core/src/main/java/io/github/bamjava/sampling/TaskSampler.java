package io.github.bamjava.sampling;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.function.Function;

/**
 * How often each task is drawn when tasks are trained together.
 *
 * <p>A strategy maps dataset sizes to drawing probabilities; the batcher then fills each epoch accordingly.
 * The paper samples task t with probability ∝ |D_t|^0.75, between uniform (small tasks over-trained, large
 * ones under-trained) and proportional (small tasks barely seen). New strategies implement this interface, or
 * wrap a function with {@link #of}.
 *
 * <p>A sampler knows its own name and parameters ({@link #describe()}): it goes into a run's settings, so that a
 * run resumed with another sampler is refused rather than silently mixed.
 */
public interface TaskSampler {

  /**
   * The probability of drawing each task.
   *
   * @param sizes the number of training examples of each task, all positive
   * @return probabilities in the same order, summing to 1
   */
  double[] probabilities(long[] sizes);

  /** The sampler's name and parameters, stable across JVMs, e.g. {@code size^0.75}. */
  String describe();

  /** The paper's default: ∝ |D|^0.75. */
  static TaskSampler paperDefault() {
    return sizeExponent(0.75);
  }

  /** Draws task t with probability ∝ |D_t|^alpha; alpha 0 is uniform, 1 is proportional. */
  static TaskSampler sizeExponent(double alpha) {
    return new SizeExponent(alpha);
  }

  /** A sampler from a function, with the name that {@link #describe()} returns. */
  static TaskSampler of(String description, Function<long[], double[]> probabilities) {
    requireNonNull(description, "description");
    requireNonNull(probabilities, "probabilities");
    return new TaskSampler() {
      @Override
      public double[] probabilities(long[] sizes) {
        return probabilities.apply(sizes);
      }

      @Override
      public String describe() {
        return description;
      }
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

  /**
   * Task t drawn with probability ∝ |D_t|^exponent.
   *
   * @param exponent 0 is uniform, 1 proportional, the paper's 0.75 in between
   */
  record SizeExponent(double exponent) implements TaskSampler {
    /** Checks that the exponent is finite and not negative. */
    public SizeExponent {
      checkArgument(exponent >= 0 && Double.isFinite(exponent), "task size exponent must be >= 0, got %s",
          exponent);
    }

    @Override
    public double[] probabilities(long[] sizes) {
      double[] p = new double[sizes.length];
      double total = 0;
      for (int i = 0; i < sizes.length; i++) {
        checkArgument(sizes[i] > 0, "task %s has %s training examples; every task needs at least one", i,
            sizes[i]);
        p[i] = Math.pow(sizes[i], exponent);
        total += p[i];
      }
      for (int i = 0; i < p.length; i++) {
        p[i] /= total;
      }
      return p;
    }

    @Override
    public String describe() {
      return "size^" + exponent;
    }
  }
}
