package io.github.bamjava.glue.study.significance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HolmTest {

  @Test
  void multipliesTheIthSmallestByMMinusIPlusOneAndKeepsTheOrder() {
    // Sorted: 0.005 × 4 = 0.02; 0.01 × 3 = 0.03; 0.03 × 2 = 0.06; 0.04 × 1 = 0.04, raised to 0.06 so that a
    // larger p never gets a smaller adjusted p. Returned in the order given.
    double[] adjusted = Holm.adjust(0.01, 0.04, 0.03, 0.005);

    assertThat(adjusted[0]).isCloseTo(0.03, within(1e-12));
    assertThat(adjusted[1]).isCloseTo(0.06, within(1e-12));
    assertThat(adjusted[2]).isCloseTo(0.06, within(1e-12));
    assertThat(adjusted[3]).isCloseTo(0.02, within(1e-12));
  }

  @Test
  void capsAtOneAndRejectsNoMoreThanBonferroniWouldNot() {
    // 0.01 × 3 = 0.03; 0.6 × 2 = 1.2, capped at 1; 0.7 × 1 = 0.7, raised to 1.
    assertThat(Holm.adjust(0.6, 0.7, 0.01)).containsExactly(new double[] {1, 1, 0.03}, within(1e-12));
    // One test is its own family; equal p-values get the same adjustment.
    assertThat(Holm.adjust(0.2)).containsExactly(0.2);
    assertThat(Holm.adjust(0.02, 0.02)).containsExactly(new double[] {0.04, 0.04}, within(1e-12));
    assertThat(Holm.adjust()).isEmpty();
  }

  @Test
  void refusesValuesThatAreNoPValues() {
    assertThatThrownBy(() -> Holm.adjust(0.5, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> Holm.adjust(1.5)).hasMessageContaining("1.5");
  }
}
