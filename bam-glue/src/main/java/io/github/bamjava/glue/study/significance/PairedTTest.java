package io.github.bamjava.glue.study.significance;

import static com.google.common.base.Preconditions.checkArgument;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * The paired t-test of two methods run with the same seeds: the per-seed differences A − B against a mean of
 * zero, two-sided, with n − 1 degrees of freedom.
 *
 * <p>Pairing by seed fits a study where seed s of one method shares something with seed s of the other (the
 * teachers a student distils from, the order of the training data, the initial head weights): the test sees
 * the consistency of the difference seed by seed, not only the spread of each method's scores. It assumes
 * the differences are roughly normal. The exact sign-flip (permutation) test needs no such assumption but
 * cannot go below 2 / 2^n — 0.0625 with five seeds — so it cannot tell anything at the seed counts a study
 * affords; {@link MannWhitney} is the assumption-free companion over the same seeds.
 */
public final class PairedTTest {

  private PairedTTest() {}

  /**
   * The outcome of a test.
   *
   * @param meanDifference the mean over seeds of A − B
   * @param t the t statistic: the mean difference over its standard error; ±infinity when every difference is
   *     the same non-zero value, 0 when every difference is 0
   * @param degreesOfFreedom the number of pairs less one
   * @param pValue the two-sided p-value of "the mean difference is zero": 0 when every difference is the same
   *     non-zero value (the limit of the test as their spread goes to zero), 1 when every difference is 0
   */
  public record Result(double meanDifference, double t, int degreesOfFreedom, double pValue) {}

  /**
   * Tests A against B; {@code a[i]} and {@code b[i]} are the two methods' scores with the same seed.
   *
   * @param a method A's score per seed (at least two seeds)
   * @param b method B's score per seed, in the same seed order
   */
  public static Result test(double[] a, double[] b) {
    checkArgument(a.length == b.length, "a paired test needs one score of each method per seed, got %s and %s",
        a.length, b.length);
    checkArgument(a.length >= 2, "a paired t-test needs at least 2 seeds, got %s", a.length);
    int n = a.length;
    double[] d = new double[n];
    double mean = 0;
    for (int i = 0; i < n; i++) {
      checkArgument(Double.isFinite(a[i]) && Double.isFinite(b[i]), "scores must be finite, got %s and %s",
          a[i], b[i]);
      d[i] = a[i] - b[i];
      mean += d[i];
    }
    mean /= n;
    double squares = 0;
    for (double x : d) {
      squares += (x - mean) * (x - mean);
    }
    double standardError = Math.sqrt(squares / (n - 1) / n);
    if (standardError == 0) {
      return new Result(mean, mean == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, mean), n - 1,
          mean == 0 ? 1 : 0);
    }
    double t = mean / standardError;
    double p = 2 * new TDistribution(null, n - 1).cumulativeProbability(-Math.abs(t));
    return new Result(mean, t, n - 1, Math.min(1.0, p));
  }
}
