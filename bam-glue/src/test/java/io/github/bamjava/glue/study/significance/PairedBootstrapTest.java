package io.github.bamjava.glue.study.significance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

  /** Accuracy of 0/1 correctness flags on the drawn indices of evaluation set 0. */
  private static PairedBootstrap.Score accuracy(int[] correct) {
    return idx -> {
      double sum = 0;
      for (int i : idx[0]) {
        sum += correct[i];
      }
      return sum / idx[0].length;
    };
  }

  @Test
  void aMethodRightEverywhereBeatsOneWrongEverywhereWithTheSmallestPossibleP() {
    int[] right = new int[50];
    Arrays.fill(right, 1);

    PairedBootstrap.Result r = PairedBootstrap.test(new int[] {50}, accuracy(right), accuracy(new int[50]), 999,
        1);

    assertThat(r.difference()).isEqualTo(1.0);
    // No resample has a difference <= 0: p = 2 * (0 + 1) / (999 + 1).
    assertThat(r.pValue()).isCloseTo(0.002, within(1e-12));
    assertThat(r.low()).isEqualTo(1.0);
  }

  @Test
  void identicalPredictionsHavePOne() {
    int[] some = {1, 0, 1, 1, 0, 1, 0, 0, 1, 1};

    PairedBootstrap.Result r = PairedBootstrap.test(new int[] {10}, accuracy(some), accuracy(some), 200, 1);

    assertThat(r.difference()).isZero();
    assertThat(r.pValue()).isEqualTo(1.0);
  }

  @Test
  void oneExampleOfAHundredIsNotSignificantAndTheIntervalHoldsTheObservedDifference() {
    int[] a = new int[100];
    int[] b = new int[100];
    for (int i = 0; i < 100; i++) {
      a[i] = i % 2;
      b[i] = i % 2;
    }
    a[0] = 1;

    PairedBootstrap.Result r = PairedBootstrap.test(new int[] {100}, accuracy(a), accuracy(b), 1000, 5);

    assertThat(r.difference()).isCloseTo(0.01, within(1e-12));
    assertThat(r.pValue()).isGreaterThan(0.3);
    assertThat(r.low()).isLessThanOrEqualTo(0.0);
    assertThat(r.high()).isGreaterThanOrEqualTo(0.01);
  }

  @Test
  void resamplesEverySetAndIsReproducibleForASeed() {
    PairedBootstrap.Score sizes = idx -> idx[0].length + 1000.0 * idx[1].length;
    PairedBootstrap.Score sum = idx -> {
      double s = 0;
      for (int[] set : idx) {
        for (int i : set) {
          s += i;
        }
      }
      return s;
    };

    PairedBootstrap.Result same = PairedBootstrap.test(new int[] {3, 7}, sizes, idx -> 0, 50, 9);
    PairedBootstrap.Result first = PairedBootstrap.test(new int[] {3, 7}, sum, idx -> 0, 50, 9);
    PairedBootstrap.Result again = PairedBootstrap.test(new int[] {3, 7}, sum, idx -> 0, 50, 9);

    assertThat(same.low()).isEqualTo(7003.0);
    assertThat(same.high()).isEqualTo(7003.0);
    assertThat(again).isEqualTo(first);
  }

  @Test
  void refusesNoSetsEmptySetsAndNoResamples() {
    assertThatThrownBy(() -> PairedBootstrap.test(new int[0], i -> 0, i -> 0, 10, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no evaluation set");
    assertThatThrownBy(() -> PairedBootstrap.test(new int[] {0}, i -> 0, i -> 0, 10, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> PairedBootstrap.test(new int[] {2}, i -> 0, i -> 0, 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resamples");
  }
}
