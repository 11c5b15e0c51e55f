package io.github.bamjava.glue.study.significance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.Test;

class MannWhitneyTest {

  @Test
  void threeSeedsAgainstThreeFullySeparatedGiveTheExactTwoSidedPOfOneTenth() {
    // 20 ways to split 6 ranks 3/3; U = 9 and U = 0 are the two as extreme: 2/20.
    MannWhitney.Result up = MannWhitney.test(new double[] {4, 5, 6}, new double[] {1, 2, 3});
    MannWhitney.Result down = MannWhitney.test(new double[] {1, 2, 3}, new double[] {4, 5, 6});

    assertThat(up.u()).isEqualTo(9);
    assertThat(down.u()).isEqualTo(0);
    assertThat(up.pValue()).isCloseTo(0.1, within(1e-12));
    assertThat(down.pValue()).isCloseTo(0.1, within(1e-12));
    assertThat(up.exact()).isTrue();
    // The normal approximation would claim significance that three seeds cannot give.
    assertThat(new MannWhitneyUTest().mannWhitneyUTest(new double[] {4, 5, 6}, new double[] {1, 2, 3}))
        .isLessThan(0.06);
  }

  @Test
  void interleavedScoresCountEverySplitAsFarFromTheCentre() {
    // A = {1, 3, 5}, B = {2, 4, 6}: U = 3 (3>2, 5>2, 5>4); the centre is 4.5. Of the 20 splits, U in
    // {0..9} occurs 1,1,2,3,3,3,3,2,1,1 times; |U - 4.5| >= 1.5 for U <= 3 or U >= 6: 7 + 7 = 14.
    MannWhitney.Result r = MannWhitney.test(new double[] {1, 3, 5}, new double[] {2, 4, 6});

    assertThat(r.u()).isEqualTo(3);
    assertThat(r.pValue()).isCloseTo(0.7, within(1e-12));
  }

  @Test
  void fourAgainstFourSeparatedAndIdenticalSets() {
    assertThat(MannWhitney.test(new double[] {5, 6, 7, 8}, new double[] {1, 2, 3, 4}).pValue())
        .isCloseTo(2.0 / 70, within(1e-12));
    assertThat(MannWhitney.test(new double[] {1, 2, 3}, new double[] {1, 2, 3}).pValue()).isEqualTo(1.0);
  }

  @Test
  void fiveSeedsAgainstFiveAreExactAndCanReachBelowOnePercent() {
    // 252 ways to split 10 ranks 5/5; only the two fully separated ones are as extreme: 2/252.
    MannWhitney.Result r = MannWhitney.test(new double[] {6, 7, 8, 9, 10}, new double[] {1, 2, 3, 4, 5});

    assertThat(r.exact()).isTrue();
    assertThat(r.pValue()).isCloseTo(2.0 / 252, within(1e-12));
  }

  @Test
  void tiedScoresShareTheirAverageRankAndTheExactPCountsSplitsOfThoseRanks() {
    // A = {1, 2}, B = {2, 3}: pooled ranks 1, 2.5, 2.5, 4; U(A) = 1 + 2.5 - 3 = 0.5, the centre is 2. The six
    // splits give U = 0.5, 0.5, 2, 2, 3.5, 3.5; four are at least 1.5 from the centre: p = 4/6.
    MannWhitney.Result r = MannWhitney.test(new double[] {1, 2}, new double[] {2, 3});

    assertThat(r.u()).isEqualTo(0.5);
    assertThat(r.exact()).isTrue();
    assertThat(r.pValue()).isCloseTo(4.0 / 6, within(1e-12));
  }

  @Test
  void largeSamplesUseCommonsMathsAsymptoticP() {
    double[] a = new double[20];
    double[] b = new double[20];
    for (int i = 0; i < 20; i++) {
      a[i] = i + 0.5 * (i % 3);
      b[i] = i * 0.9;
    }

    MannWhitney.Result r = MannWhitney.test(a, b);

    assertThat(r.exact()).isFalse();
    assertThat(r.pValue()).isEqualTo(new MannWhitneyUTest().mannWhitneyUTest(a, b));
  }

  @Test
  void refusesEmptyAndNonFiniteScores() {
    assertThatThrownBy(() -> MannWhitney.test(new double[0], new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one score");
    assertThatThrownBy(() -> MannWhitney.test(new double[] {Double.NaN}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
  }
}
