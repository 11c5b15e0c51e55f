package io.github.bamjava.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each metric against values worked out by hand; the arithmetic is in the comments. */
class TaskMetricsTest {

  private static final double EPS = 1e-12;

  @Test
  void accuracyCountsExactMatches() {
    // matches at 0, 1, 3 -> 3 of 5 = 0.6
    assertThat(TaskMetrics.ACCURACY.compute(d(0, 1, 1, 0, 1), d(0, 1, 0, 0, 0))).isCloseTo(0.6, within(EPS));
  }

  @Test
  void f1OfPositiveClass() {
    // gold 1 1 0 0 1 0 / pred 1 0 1 0 1 1: TP = {0, 4} = 2, FP = {2, 5} = 2, FN = {1} = 1
    // F1 = 2TP / (2TP + FP + FN) = 4 / 7
    assertThat(TaskMetrics.F1.compute(d(1, 1, 0, 0, 1, 0), d(1, 0, 1, 0, 1, 1))).isCloseTo(4.0 / 7, within(EPS));
    // perfect: TP = 2, FP = FN = 0 -> 4 / 4 = 1
    assertThat(TaskMetrics.F1.compute(d(1, 0, 1), d(1, 0, 1))).isCloseTo(1, within(EPS));
  }

  @Test
  void f1IsZeroWithoutTruePositives() {
    // no positives anywhere: precision and recall are 0/0 -> defined as 0 (scikit-learn's convention)
    assertThat(TaskMetrics.F1.compute(d(0, 0), d(0, 0))).isZero();
    // all predicted positive, none gold: TP = 0 -> 0
    assertThat(TaskMetrics.F1.compute(d(0, 0), d(1, 1))).isZero();
  }

  @Test
  void matthewsBinary() {
    // gold 1 1 1 0 0 0 1 0 / pred 1 1 0 0 0 1 1 0: TP = 3, FN = 1, FP = 1, TN = 3
    // (3*3 - 1*1) / sqrt((3+1)(3+1)(3+1)(3+1)) = 8 / 16 = 0.5
    assertThat(TaskMetrics.MATTHEWS.compute(d(1, 1, 1, 0, 0, 0, 1, 0), d(1, 1, 0, 0, 0, 1, 1, 0)))
        .isCloseTo(0.5, within(EPS));
    // every prediction wrong on a balanced pair: (0*0 - 1*1) / sqrt(1*1*1*1) = -1
    assertThat(TaskMetrics.MATTHEWS.compute(d(0, 1), d(1, 0))).isCloseTo(-1, within(EPS));
  }

  @Test
  void matthewsThreeClasses() {
    // gold 0 1 2 0 / pred 0 2 2 0: s = 4, c = 3, t = (2, 1, 1), p = (2, 0, 2)
    // numerator c*s - sum p_k t_k = 12 - (4 + 0 + 2) = 6
    // denominator sqrt((s^2 - sum p_k^2)(s^2 - sum t_k^2)) = sqrt((16 - 8)(16 - 6)) = sqrt(80)
    assertThat(TaskMetrics.MATTHEWS.compute(d(0, 1, 2, 0), d(0, 2, 2, 0))).isCloseTo(6 / Math.sqrt(80), within(EPS));
  }

  @Test
  void matthewsIsZeroWhenUndefined() {
    // a constant prediction: (TP+FP)(TN+FN) has a zero factor -> 0/0 -> 0
    assertThat(TaskMetrics.MATTHEWS.compute(d(0, 1, 0, 1), d(1, 1, 1, 1))).isZero();
    assertThat(TaskMetrics.MATTHEWS.compute(d(1, 1), d(1, 1))).isZero();
  }

  @Test
  void pearson() {
    // gold 1 2 3 / pred 1 3 2: means 2, 2; deviations (-1, 0, 1) and (-1, 1, 0)
    // sum of products 1; sums of squares 2 and 2 -> r = 1 / sqrt(2 * 2) = 0.5
    assertThat(TaskMetrics.PEARSON.compute(d(1, 2, 3), d(1, 3, 2))).isCloseTo(0.5, within(EPS));
    // pred = 2 * gold + 1 -> exactly linear -> 1
    assertThat(TaskMetrics.PEARSON.compute(d(0, 1, 4), d(1, 3, 9))).isCloseTo(1, within(EPS));
  }

  @Test
  void spearmanAveragesTiedRanks() {
    // gold 1 2 2 3 -> ranks 1, 2.5, 2.5, 4 (the tied 2s share ranks 2 and 3); pred 10 20 30 40 -> ranks 1 2 3 4
    // deviations from the mean rank 2.5: (-1.5, 0, 0, 1.5) and (-1.5, -0.5, 0.5, 1.5)
    // sum of products 4.5; sums of squares 4.5 and 5 -> 4.5 / sqrt(22.5) = sqrt(0.9)
    assertThat(TaskMetrics.SPEARMAN.compute(d(1, 2, 2, 3), d(10, 20, 30, 40))).isCloseTo(Math.sqrt(0.9), within(EPS));
    // monotone but not linear: ranks identical -> 1 (Pearson would be below 1)
    assertThat(TaskMetrics.SPEARMAN.compute(d(1, 2, 3, 4), d(1, 4, 9, 16))).isCloseTo(1, within(EPS));
  }

  @Test
  void correlationsAreZeroWhenUndefined() {
    // a constant prediction has zero variance: r = 0/0 -> 0
    assertThat(TaskMetrics.PEARSON.compute(d(1, 2, 3), d(2, 2, 2))).isZero();
    assertThat(TaskMetrics.SPEARMAN.compute(d(1, 2, 3), d(2, 2, 2))).isZero();
    // one example: no variance either
    assertThat(TaskMetrics.PEARSON.compute(d(1), d(2))).isZero();
    assertThat(TaskMetrics.SPEARMAN.compute(d(1), d(2))).isZero();
  }

  @Test
  void rejectsMismatchedEmptyAndNonFiniteInput() {
    for (TaskMetric m : List.of(TaskMetrics.ACCURACY, TaskMetrics.F1, TaskMetrics.MATTHEWS, TaskMetrics.PEARSON, TaskMetrics.SPEARMAN)) {
      assertThatThrownBy(() -> m.compute(d(1, 0, 1), d(1, 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(m.name())
          .hasMessageContaining("gold has 3 values but predicted has 2");
      assertThatThrownBy(() -> m.compute(d(), d()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("empty");
      assertThatThrownBy(() -> m.compute(d(1, 0), d(1, Double.NaN)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("predicted[1] is NaN");
    }
  }

  @Test
  void namesAreStable() {
    // names appear in results tables and JSON files; renaming one breaks readers of old results
    assertThat(List.of(TaskMetrics.ACCURACY, TaskMetrics.F1, TaskMetrics.MATTHEWS, TaskMetrics.PEARSON, TaskMetrics.SPEARMAN))
        .extracting(TaskMetric::name)
        .containsExactly("accuracy", "f1", "matthews", "pearson", "spearman");
  }

  @Test
  void macroF1AveragesEachClassAgainstTheOthersOverTheClassesSeen() {
    // gold 0 0 1 2 / pred 0 1 1 1: class 0 F1 2/3 (TP 1, FN 1), class 1 F1 1/2 (TP 1, FP 2), class 2 F1 0
    // mean = 7/18, as scikit-learn's f1_score(average="macro") gives
    assertThat(TaskMetrics.MACRO_F1.compute(d(0, 0, 1, 2), d(0, 1, 1, 1))).isCloseTo(7.0 / 18, within(EPS));
    assertThat(TaskMetrics.MACRO_F1.compute(d(0, 1, 2), d(0, 1, 2))).isCloseTo(1, within(EPS));
    // a constant predictor on an imbalanced set: accuracy 0.75, macro-F1 (6/7 + 0) / 2
    assertThat(TaskMetrics.MACRO_F1.compute(d(0, 0, 0, 1), d(0, 0, 0, 0))).isCloseTo(3.0 / 7, within(EPS));
  }

  @Test
  void metricsAreFoundByTheirNames() {
    for (TaskMetric m : TaskMetrics.all()) {
      assertThat(TaskMetrics.byName(m.name())).isSameAs(m);
    }
    assertThat(TaskMetrics.all()).extracting(TaskMetric::name)
        .containsExactly("accuracy", "f1", "macro_f1", "matthews", "pearson", "spearman");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TaskMetrics.byName("auc"))
        .hasMessageContaining("unknown metric 'auc'").hasMessageContaining("macro_f1");
  }

  private static double[] d(double... values) {
    return values;
  }
}
