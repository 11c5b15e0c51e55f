package io.github.bamjava.task;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * The GLUE metrics, each a stateless {@link TaskMetric}.
 *
 * <p>Every metric takes two arrays of the same, non-zero length and rejects anything else with an
 * {@link IllegalArgumentException} naming both sizes: a silent truncation would report a score for examples that
 * were never predicted. Values must be finite. For classification metrics the values are label indices (0, 1, …).
 *
 * <p>Where a metric is mathematically undefined (0/0), it is defined here as 0 — "no evidence of skill" — rather
 * than NaN, because a NaN would poison every average it enters (the task score, the GLUE score) and hide the
 * other tasks' results. Each constant documents its undefined cases.
 */
public final class TaskMetrics {
  private TaskMetrics() {}

  /** Fraction of examples whose prediction equals the gold label. */
  public static final TaskMetric ACCURACY = new NamedMetric("accuracy", TaskMetrics::accuracy);

  /**
   * Binary F1 of the positive class, the label with index 1 (MRPC's and QQP's "1", the paraphrase/duplicate).
   *
   * <p>F1 = 2·TP / (2·TP + FP + FN). When there are no true positives (in particular when neither gold nor
   * prediction contains a positive, so precision and recall are both 0/0), F1 is 0 — the convention of
   * scikit-learn's {@code f1_score}, which the official GLUE evaluation uses, so scores stay comparable.
   * Any value other than 1 counts as negative.
   */
  public static final TaskMetric F1 = new NamedMetric("f1", TaskMetrics::f1);

  /**
   * Matthews correlation coefficient (CoLA's metric), in [-1, 1].
   *
   * <p>Computed in the multi-class form (Gorodkin's R_K), which for two classes is the familiar
   * (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)). It is 0 when undefined, that is when gold or prediction
   * holds a single class (a constant predictor has no correlation with anything).
   */
  public static final TaskMetric MATTHEWS = new NamedMetric("matthews", TaskMetrics::matthews);

  /**
   * Pearson correlation of gold and predicted values (STS-B), in [-1, 1]. It is 0 when undefined: fewer than
   * two examples, or gold or prediction constant (zero variance).
   */
  public static final TaskMetric PEARSON = new NamedMetric("pearson", (g, p) ->
      g.length < 2 ? 0 : definedOrZero(new PearsonsCorrelation().correlation(g, p)));

  /**
   * Spearman rank correlation (STS-B): the Pearson correlation of the ranks, tied values sharing the average of
   * the ranks they span. It is 0 when undefined: fewer than two examples, or gold or prediction constant.
   */
  public static final TaskMetric SPEARMAN = new NamedMetric("spearman", (g, p) ->
      // SpearmansCorrelation ranks with NaturalRanking's default ties strategy, AVERAGE.
      g.length < 2 ? 0 : definedOrZero(new SpearmansCorrelation().correlation(g, p)));

  /**
   * Macro-averaged F1: the unweighted mean over classes of each class's F1 (that class against the others), the
   * classes being those in gold or prediction — scikit-learn's {@code f1_score(average="macro")}. A class that is
   * predicted but never gold, or gold but never predicted, has F1 0 and pulls the mean down, as it should on an
   * imbalanced task where a majority-class predictor scores well on accuracy.
   */
  public static final TaskMetric MACRO_F1 = new NamedMetric("macro_f1", TaskMetrics::macroF1);

  private static final List<TaskMetric> ALL = List.of(ACCURACY, F1, MACRO_F1, MATTHEWS, PEARSON, SPEARMAN);

  /** Every metric here, in the order above. */
  public static List<TaskMetric> all() {
    return ALL;
  }

  /**
   * The metric of a {@link TaskMetric#name() name}: accuracy, f1, macro_f1, matthews, pearson or spearman.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static TaskMetric byName(String name) {
    for (TaskMetric m : ALL) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown metric '" + name + "' (known: "
        + ALL.stream().map(TaskMetric::name).toList() + ")");
  }

  private static double macroF1(double[] gold, double[] predicted) {
    Map<Double, long[]> counts = new HashMap<>(); // class -> {tp, fp, fn}
    for (int i = 0; i < gold.length; i++) {
      if (gold[i] == predicted[i]) {
        counts.computeIfAbsent(gold[i], k -> new long[3])[0]++;
      } else {
        counts.computeIfAbsent(predicted[i], k -> new long[3])[1]++;
        counts.computeIfAbsent(gold[i], k -> new long[3])[2]++;
      }
    }
    double sum = 0;
    for (long[] c : counts.values()) {
      sum += c[0] == 0 ? 0 : 2.0 * c[0] / (2.0 * c[0] + c[1] + c[2]);
    }
    return sum / counts.size();
  }

  private static double accuracy(double[] gold, double[] predicted) {
    int correct = 0;
    for (int i = 0; i < gold.length; i++) {
      if (gold[i] == predicted[i]) {
        correct++;
      }
    }
    return (double) correct / gold.length;
  }

  private static double f1(double[] gold, double[] predicted) {
    long tp = 0;
    long fp = 0;
    long fn = 0;
    for (int i = 0; i < gold.length; i++) {
      boolean g = gold[i] == 1;
      boolean p = predicted[i] == 1;
      if (g && p) {
        tp++;
      } else if (p) {
        fp++;
      } else if (g) {
        fn++;
      }
    }
    return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }

  private static double matthews(double[] gold, double[] predicted) {
    // R_K = (c·s − Σ_k p_k·t_k) / √((s² − Σ_k p_k²)(s² − Σ_k t_k²)), with s examples, c correct,
    // t_k the gold count and p_k the predicted count of class k. Doubles: s² overflows an int at 46k examples.
    Map<Double, double[]> counts = new HashMap<>(); // class -> {t_k, p_k}
    double correct = 0;
    for (int i = 0; i < gold.length; i++) {
      counts.computeIfAbsent(gold[i], k -> new double[2])[0]++;
      counts.computeIfAbsent(predicted[i], k -> new double[2])[1]++;
      if (gold[i] == predicted[i]) {
        correct++;
      }
    }
    double s = gold.length;
    double sumPt = 0;
    double sumPp = 0;
    double sumTt = 0;
    for (double[] tp : counts.values()) {
      sumPt += tp[1] * tp[0];
      sumPp += tp[1] * tp[1];
      sumTt += tp[0] * tp[0];
    }
    double denominator = Math.sqrt((s * s - sumPp) * (s * s - sumTt));
    return denominator == 0 ? 0 : (correct * s - sumPt) / denominator;
  }

  private static double definedOrZero(double correlation) {
    return Double.isNaN(correlation) ? 0 : correlation;
  }

  /** A metric from a name and a function; checks its inputs once for every metric. */
  private static final class NamedMetric implements TaskMetric {
    private final String name;
    private final ToDoubleBiFunction<double[], double[]> function;

    NamedMetric(String name, ToDoubleBiFunction<double[], double[]> function) {
      this.name = name;
      this.function = function;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public double compute(double[] gold, double[] predicted) {
      requireNonNull(gold, "gold");
      requireNonNull(predicted, "predicted");
      checkArgument(gold.length == predicted.length,
          "%s: gold has %s values but predicted has %s", name, gold.length, predicted.length);
      checkArgument(gold.length > 0, "%s: no values to score (gold and predicted are empty)", name);
      checkFinite(gold, "gold");
      checkFinite(predicted, "predicted");
      return function.applyAsDouble(gold, predicted);
    }

    private void checkFinite(double[] values, String which) {
      for (int i = 0; i < values.length; i++) {
        double v = values[i];
        checkArgument(Double.isFinite(v), "%s: %s[%s] is %s, not a finite number", name, which, i, v);
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
