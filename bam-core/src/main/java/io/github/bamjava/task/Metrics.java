package io.github.bamjava.task;

/** The GLUE metrics. Placeholder constants are replaced by the real implementations in the metrics work. */
public final class Metrics {
  private Metrics() {}

  public static final Metric ACCURACY = new Metric() {
    @Override public String name() { return "accuracy"; }
    @Override public double compute(double[] gold, double[] predicted) {
      int correct = 0;
      for (int i = 0; i < gold.length; i++) {
        if (gold[i] == predicted[i]) {
          correct++;
        }
      }
      return gold.length == 0 ? 0 : (double) correct / gold.length;
    }
  };

  public static final Metric PEARSON = new Metric() {
    @Override public String name() { return "pearson"; }
    @Override public double compute(double[] gold, double[] predicted) {
      return new org.apache.commons.math3.stat.correlation.PearsonsCorrelation().correlation(gold, predicted);
    }
  };
}
