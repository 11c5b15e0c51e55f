package io.github.bamjava.glue.study.significance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;

class PairedTTestTest {

  @Test
  void threeSeedsWithDifferencesOneTwoThree() {
    // d = 1, 2, 3: mean 2, sd 1, standard error 1/√3, t = 2√3. With 2 degrees of freedom the two-sided p is
    // 1 − t/√(t² + 2) = 1 − √(12/14).
    PairedTTest.Result r = PairedTTest.test(new double[] {11, 12, 13}, new double[] {10, 10, 10});

    assertThat(r.meanDifference()).isCloseTo(2, within(1e-12));
    assertThat(r.t()).isCloseTo(2 * Math.sqrt(3), within(1e-12));
    assertThat(r.degreesOfFreedom()).isEqualTo(2);
    assertThat(r.pValue()).isCloseTo(1 - Math.sqrt(12.0 / 14), within(1e-9));
  }

  @Test
  void twoSeedsAndTheSignOfTheDifference() {
    // d = 2, 3: mean 2.5, sd √0.5, standard error 0.5, t = 5; with 1 degree of freedom (a Cauchy
    // distribution) the two-sided p is 1 − (2/π)·atan(5).
    PairedTTest.Result up = PairedTTest.test(new double[] {3, 5}, new double[] {1, 2});
    PairedTTest.Result down = PairedTTest.test(new double[] {1, 2}, new double[] {3, 5});

    assertThat(up.t()).isCloseTo(5, within(1e-12));
    assertThat(down.t()).isCloseTo(-5, within(1e-12));
    assertThat(up.pValue()).isCloseTo(1 - 2 / Math.PI * Math.atan(5), within(1e-9));
    assertThat(down.pValue()).isCloseTo(up.pValue(), within(1e-15));
    // The same as Commons Math's paired test.
    assertThat(up.pValue()).isCloseTo(new TTest().pairedTTest(new double[] {3, 5}, new double[] {1, 2}),
        within(1e-12));
  }

  @Test
  void fiveSeedsCanGoBelowWhatASignFlipTestCouldEverGive() {
    // Every difference positive and consistent: the exact sign-flip test would stop at 2/32 = 0.0625.
    double[] a = {0.80, 0.82, 0.79, 0.81, 0.83};
    double[] b = {0.75, 0.76, 0.75, 0.74, 0.77};

    PairedTTest.Result r = PairedTTest.test(a, b);

    assertThat(r.pValue()).isLessThan(0.001)
        .isCloseTo(new TTest().pairedTTest(a, b), within(1e-12));
  }

  @Test
  void differencesWithoutSpread() {
    PairedTTest.Result same = PairedTTest.test(new double[] {1, 2, 3}, new double[] {1, 2, 3});
    PairedTTest.Result shifted = PairedTTest.test(new double[] {2, 3, 4}, new double[] {1, 2, 3});

    assertThat(same.pValue()).isEqualTo(1.0);
    assertThat(same.t()).isZero();
    assertThat(shifted.pValue()).isZero();
    assertThat(shifted.t()).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void refusesUnpairedOrTooFewOrNonFiniteScores() {
    assertThatThrownBy(() -> PairedTTest.test(new double[] {1, 2}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 and 1");
    assertThatThrownBy(() -> PairedTTest.test(new double[] {1}, new double[] {1}))
        .hasMessageContaining("at least 2 seeds");
    assertThatThrownBy(() -> PairedTTest.test(new double[] {1, Double.NaN}, new double[] {1, 2}))
        .hasMessageContaining("NaN");
  }
}
