package io.github.bamjava.glue.study.significance;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The Holm-Bonferroni correction for a family of tests, such as every comparison one results table marks.
 *
 * <p>With m p-values sorted ascending, p(1) ≤ … ≤ p(m), the adjusted value of the i-th smallest is
 * max over j ≤ i of min(1, (m − j + 1) · p(j)). Rejecting every test whose adjusted p is below α keeps the
 * chance of any false rejection in the family at most α, whatever the dependence between the tests, and rejects
 * at least as much as the plain Bonferroni correction (m · p).
 */
public final class Holm {

  private Holm() {}

  /** The Holm-adjusted p-values, in the order of {@code pValues}; each is in [0, 1]. */
  public static double[] adjust(double... pValues) {
    int m = pValues.length;
    for (double p : pValues) {
      checkArgument(p >= 0 && p <= 1, "p-values must be in [0, 1], got %s", p);
    }
    Integer[] order = IntStream.range(0, m).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
    double[] adjusted = new double[m];
    double running = 0;
    for (int rank = 0; rank < m; rank++) {
      int i = order[rank];
      running = Math.max(running, Math.min(1.0, (m - rank) * pValues[i]));
      adjusted[i] = running;
    }
    return adjusted;
  }
}
