package io.github.bamjava.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TaskSamplerTest {

  @Test
  void paperDefaultIsProportionalToSizeToThePowerThreeQuartersOnPerfectPowers() {
    // x^0.75 = (x^(1/4))^3: 16 -> 2^3 = 8, 81 -> 3^3 = 27, 1 -> 1; total 36.
    double[] p = TaskSampler.paperDefault().probabilities(new long[] {16, 81, 1});

    assertThat(p[0]).isCloseTo(8.0 / 36, within(1e-15));
    assertThat(p[1]).isCloseTo(27.0 / 36, within(1e-15));
    assertThat(p[2]).isCloseTo(1.0 / 36, within(1e-15));
  }

  @Test
  void paperDefaultOnGlueLikeSizes() {
    // x^0.75 = sqrt(x) * sqrt(sqrt(x)):
    //   66349: 257.58300 * 16.04939 = 4134.0506
    //    3302:  57.46303 *  7.58044 =  435.5949
    //     572:  23.91652 *  4.89045 =  116.9626
    //   total                         4686.6081
    // p = 4134.0506 / 4686.6081 = 0.882099, 435.5949 / 4686.6081 = 0.092945, 116.9626 / 4686.6081 = 0.024957
    double[] p = TaskSampler.paperDefault().probabilities(new long[] {66349, 3302, 572});

    assertThat(p[0]).isCloseTo(0.882099, within(1e-6));
    assertThat(p[1]).isCloseTo(0.092945, within(1e-6));
    assertThat(p[2]).isCloseTo(0.024957, within(1e-6));
    assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void sizeExponentSitsBetweenUniformAndProportional() {
    long[] sizes = {66349, 3302, 572};
    // Proportional: 66349 + 3302 + 572 = 70223.
    double[] proportional = TaskSampler.proportional().probabilities(sizes);
    double[] paper = TaskSampler.sizeExponent(0.75).probabilities(sizes);
    double[] uniform = TaskSampler.uniform().probabilities(sizes);

    assertThat(proportional[0]).isCloseTo(66349.0 / 70223, within(1e-15));
    assertThat(proportional[1]).isCloseTo(3302.0 / 70223, within(1e-15));
    assertThat(proportional[2]).isCloseTo(572.0 / 70223, within(1e-15));
    assertThat(uniform).containsExactly(1.0 / 3, 1.0 / 3, 1.0 / 3);
    // The smallest task gets more than its proportional share but less than a uniform one.
    assertThat(paper[2]).isGreaterThan(proportional[2]).isLessThan(uniform[2]);
  }

  @Test
  void uniformIgnoresSizes() {
    assertThat(TaskSampler.uniform().probabilities(new long[] {1, 1000, 7, 3}))
        .containsExactly(0.25, 0.25, 0.25, 0.25);
  }

  @Test
  void singleTaskGetsEverything() {
    assertThat(TaskSampler.paperDefault().probabilities(new long[] {123})).containsExactly(1.0);
  }

  @Test
  void negativeOrNonFiniteExponentIsAnErrorNamingIt() {
    assertThatThrownBy(() -> TaskSampler.sizeExponent(-0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-0.5");
    assertThatThrownBy(() -> TaskSampler.sizeExponent(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> TaskSampler.sizeExponent(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void emptyTaskIsAnErrorNamingItsPosition() {
    assertThatThrownBy(() -> TaskSampler.paperDefault().probabilities(new long[] {10, 0, 5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task 1 has 0 training examples");
    assertThatThrownBy(() -> TaskSampler.uniform().probabilities(new long[] {-3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task 0 has -3 training examples");
  }
}
