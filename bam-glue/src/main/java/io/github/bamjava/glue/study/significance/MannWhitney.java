package io.github.bamjava.glue.study.significance;

import static com.google.common.base.Preconditions.checkArgument;

import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * The Mann-Whitney U test of two sets of scores, one score per independent run (seed) of each method.
 *
 * <p>With few seeds the normal approximation that Commons Math uses is far too optimistic (three seeds against
 * three give an asymptotic p of 0.05 where the exact p is 0.10), so small samples get the exact p-value: the
 * share of all ways of splitting the pooled ranks into groups of these sizes whose U is at least as far from
 * its null mean n_a·n_b/2 as the observed U (two-sided). Tied scores share the average of the ranks they span,
 * and the splits are of those same ranks, so the p-value is exact given the ties. Five seeds against five have
 * 252 splits; the smallest possible p is then 2/252 ≈ 0.008 (three against three: 0.10). Samples with more
 * than {@value #EXACT_LIMIT} splits use Commons Math's asymptotic p-value.
 */
public final class MannWhitney {

  /** Above this many splittings of the pooled ranks the asymptotic p-value is used. */
  static final long EXACT_LIMIT = 200_000;

  private MannWhitney() {}

  /**
   * The outcome of a test.
   *
   * @param u the U statistic of A: how many (a, b) pairs have a above b, ties counting one half
   * @param pValue the two-sided p-value of "the two distributions are the same"
   * @param exact whether the p-value is exact rather than asymptotic
   */
  public record Result(double u, double pValue, boolean exact) {}

  /** Tests the scores of method A against those of method B. */
  public static Result test(double[] a, double[] b) {
    checkArgument(a.length > 0 && b.length > 0, "both methods need at least one score, got %s and %s",
        a.length, b.length);
    double[] pooled = new double[a.length + b.length];
    System.arraycopy(a, 0, pooled, 0, a.length);
    System.arraycopy(b, 0, pooled, a.length, b.length);
    for (double v : pooled) {
      checkArgument(Double.isFinite(v), "scores must be finite, got %s", v);
    }
    double[] ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(pooled);
    double u = uOf(ranks, all(a.length), a.length);
    if (binomial(pooled.length, a.length) > EXACT_LIMIT) {
      return new Result(u, new MannWhitneyUTest().mannWhitneyUTest(a, b), false);
    }
    // U's null distribution is symmetric about n_a n_b / 2: count splits at least as far from the centre.
    double centre = a.length * (double) b.length / 2;
    double distance = Math.abs(u - centre) - 1e-9;
    long[] counts = new long[2];
    int[] chosen = new int[a.length];
    enumerate(ranks, chosen, 0, 0, distance, centre, counts);
    return new Result(u, Math.min(1.0, counts[0] / (double) counts[1]), true);
  }

  /** Visits every choice of a.length of the pooled positions; counts[0] extreme ones, counts[1] all. */
  private static void enumerate(double[] ranks, int[] chosen, int depth, int from, double distance,
      double centre, long[] counts) {
    if (depth == chosen.length) {
      counts[1]++;
      if (Math.abs(uOf(ranks, chosen, chosen.length) - centre) >= distance) {
        counts[0]++;
      }
      return;
    }
    for (int i = from; i <= ranks.length - (chosen.length - depth); i++) {
      chosen[depth] = i;
      enumerate(ranks, chosen, depth + 1, i + 1, distance, centre, counts);
    }
  }

  /** U of the group at these pooled positions: its rank sum less the smallest possible rank sum. */
  private static double uOf(double[] ranks, int[] positions, int size) {
    double sum = 0;
    for (int p : positions) {
      sum += ranks[p];
    }
    return sum - size * (size + 1) / 2.0;
  }

  private static int[] all(int n) {
    int[] positions = new int[n];
    for (int i = 0; i < n; i++) {
      positions[i] = i;
    }
    return positions;
  }

  private static long binomial(int n, int k) {
    long c = 1;
    for (int i = 1; i <= k; i++) {
      c = c * (n - k + i) / i;
      if (c > EXACT_LIMIT) {
        return c;
      }
    }
    return c;
  }
}
