package io.github.bamjava.task;

/**
 * A dev-set metric of a task, higher is better.
 *
 * <p>For classification, gold and predicted values are label indices; for regression they are values on the
 * task's label range. See {@link TaskMetrics} for the GLUE metrics.
 */
public interface TaskMetric {

  /** A short name used in tables and logs, such as "accuracy" or "f1". */
  String name();

  /**
   * Scores predictions against gold labels.
   *
   * @param gold the gold labels, one per example
   * @param predicted the predictions, in the same order
   * @return the score, higher is better
   */
  double compute(double[] gold, double[] predicted);
}
