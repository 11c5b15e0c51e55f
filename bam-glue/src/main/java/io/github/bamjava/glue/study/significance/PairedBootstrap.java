package io.github.bamjava.glue.study.significance;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The paired bootstrap test for "method A scores differently from method B on the same evaluation examples".
 *
 * <p>Each resample draws, for every evaluation set, as many example indices with replacement as the set holds;
 * both methods are scored on the same drawn examples, so the test sees how much the difference depends on which
 * examples happen to be in the set. Several evaluation sets (the tasks of a GLUE average) are resampled
 * independently within one resample, and a score may average several runs (seeds) scored on the same indices.
 *
 * <p>The p-value is two-sided: twice the smaller share of resampled differences on either side of zero, with
 * the usual add-one correction so that it is never 0 for a finite number of resamples.
 */
public final class PairedBootstrap {

  /** The number of resamples when none is given: enough for p-values down to about 0.001. */
  public static final int DEFAULT_RESAMPLES = 1000;

  private PairedBootstrap() {}

  /** A method's score on a resample: {@code indices[s]} are the drawn example indices of evaluation set s. */
  @FunctionalInterface
  public interface Score {
    /** The score on the examples {@code indices[s]} drawn from each evaluation set s. */
    double on(int[][] indices);
  }

  /**
   * The outcome of a test.
   *
   * @param difference the observed score of A minus that of B, on the full evaluation sets
   * @param pValue the two-sided p-value of "no difference"
   * @param low the 2.5th percentile of the resampled differences
   * @param high the 97.5th percentile of the resampled differences
   */
  public record Result(double difference, double pValue, double low, double high) {}

  /**
   * Tests A against B.
   *
   * @param sizes the number of examples of each evaluation set (at least one set, each non-empty)
   * @param a method A's score on given indices
   * @param b method B's score on the same indices
   * @param resamples how many resamples to draw (at least 1)
   * @param seed the seed of the draws, so that a report is reproducible
   */
  public static Result test(int[] sizes, Score a, Score b, int resamples, long seed) {
    checkArgument(sizes.length > 0, "no evaluation set to resample");
    checkArgument(resamples >= 1, "resamples must be >= 1, got %s", resamples);
    int[][] all = new int[sizes.length][];
    for (int s = 0; s < sizes.length; s++) {
      checkArgument(sizes[s] > 0, "evaluation set %s is empty", s);
      all[s] = new int[sizes[s]];
      for (int i = 0; i < sizes[s]; i++) {
        all[s][i] = i;
      }
    }
    double observed = a.on(all) - b.on(all);
    SplittableRandom random = new SplittableRandom(seed);
    double[] differences = new double[resamples];
    int atOrBelowZero = 0;
    int atOrAboveZero = 0;
    int[][] drawn = new int[sizes.length][];
    for (int r = 0; r < resamples; r++) {
      for (int s = 0; s < sizes.length; s++) {
        drawn[s] = new int[sizes[s]];
        for (int i = 0; i < sizes[s]; i++) {
          drawn[s][i] = random.nextInt(sizes[s]);
        }
      }
      double d = a.on(drawn) - b.on(drawn);
      differences[r] = d;
      atOrBelowZero += d <= 0 ? 1 : 0;
      atOrAboveZero += d >= 0 ? 1 : 0;
    }
    double p = Math.min(1.0, 2.0 * (Math.min(atOrBelowZero, atOrAboveZero) + 1) / (resamples + 1));
    Arrays.sort(differences);
    return new Result(observed, p, percentile(differences, 0.025), percentile(differences, 0.975));
  }

  private static double percentile(double[] sorted, double q) {
    int i = (int) Math.floor(q * (sorted.length - 1));
    return sorted[i];
  }
}
