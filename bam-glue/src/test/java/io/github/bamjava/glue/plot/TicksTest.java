package io.github.bamjava.glue.plot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TicksTest {
  @Test
  void axisWidensToTheEnclosingMultiplesOfA125Step() {
    Ticks t = Ticks.nice(0, 0.87, 6);

    assertThat(t.values()).containsExactly(0.0, 0.2, 0.4, 0.6, 0.8, 1.0);
    assertThat(t.step()).isEqualTo(0.2);
    assertThat(t.lower()).isEqualTo(0.0);
    assertThat(t.upper()).isEqualTo(1.0);
  }

  @Test
  void stepIsTheSmallest125StepWithinTheTickBudget() {
    assertThat(Ticks.nice(0, 0.87, 10).values()).containsExactly(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
        0.9);
    assertThat(Ticks.nice(0, 1000, 9).values()).containsExactly(0.0, 200.0, 400.0, 600.0, 800.0, 1000.0);
    assertThat(Ticks.nice(1, 2400, 9).values()).containsExactly(0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0);
    // 0.3..1.0 by 0.1 would take 8 ticks, one more than allowed, so the step doubles.
    assertThat(Ticks.nice(0.31, 0.92, 7).values()).containsExactly(0.2, 0.4, 0.6, 0.8, 1.0);
  }

  @Test
  void negativeRangesAndTinyValues() {
    assertThat(Ticks.nice(-0.13, 0.42, 7).values()).containsExactly(-0.2, 0.0, 0.2, 0.4, 0.6);
    Ticks lr = Ticks.nice(0, 5e-5, 6);
    assertThat(lr.values()).containsExactly(0.0, 1e-5, 2e-5, 3e-5, 4e-5, 5e-5);
    assertThat(lr.label(2e-5)).isEqualTo("2.0e-5");
    assertThat(lr.label(0)).isEqualTo("0");
  }

  @Test
  void labelsShowAsManyDecimalsAsTheStep() {
    Ticks t = Ticks.nice(0, 0.87, 6);
    assertThat(t.values().stream().map(t::label)).containsExactly("0", "0.2", "0.4", "0.6", "0.8", "1.0");
    Ticks steps = Ticks.nice(0, 2400, 9);
    assertThat(steps.label(1500)).isEqualTo("1500");
    assertThat(Ticks.nice(0.84, 0.9, 7).label(0.85)).isEqualTo("0.85");
  }

  @Test
  void integerTicksNeverStepBelowOne() {
    assertThat(Ticks.integers(1, 3, 9).values()).containsExactly(1.0, 2.0, 3.0);
    assertThat(Ticks.integers(1, 1, 9).values()).containsExactly(0.0, 1.0, 2.0);
    assertThat(Ticks.integers(1, 30, 9).values()).containsExactly(0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0);
  }

  @Test
  void flatOrMissingDataStillGetsAnAxis() {
    assertThat(Ticks.nice(0, 0, 6).values()).containsExactly(-1.0, -0.5, 0.0, 0.5, 1.0);
    assertThat(Ticks.nice(5, 5, 7).values()).containsExactly(4.4, 4.6, 4.8, 5.0, 5.2, 5.4, 5.6);
    assertThat(Ticks.nice(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 6).values())
        .containsExactly(0.0, 0.2, 0.4, 0.6, 0.8, 1.0);
  }
}
