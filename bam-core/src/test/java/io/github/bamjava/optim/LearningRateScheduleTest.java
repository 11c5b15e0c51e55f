package io.github.bamjava.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  @Test
  void linearWarmupThenLinearDecay() {
    // T = 100, W = floor(0.1 * 100) = 10: t/10 while warming up, then (100 - t)/90.
    LearningRateSchedule s = LearningRateSchedule.linearWarmupDecay(100, 0.1);
    assertThat(s.factor(0)).isEqualTo(0.0);
    assertThat(s.factor(1)).isEqualTo(0.1);
    assertThat(s.factor(5)).isEqualTo(0.5);
    assertThat(s.factor(9)).isEqualTo(0.9);
    assertThat(s.factor(10)).isEqualTo(1.0);
    assertThat(s.factor(55)).isEqualTo(0.5);
    assertThat(s.factor(99)).isEqualTo(1.0 / 90);
    assertThat(s.factor(100)).isEqualTo(0.0);
    assertThat(s.factor(250)).isEqualTo(0.0);
  }

  @Test
  void warmupStepsAreRoundedDown() {
    // floor(0.1 * 25) = 2 warmup steps, then (25 - t)/23.
    LearningRateSchedule s = LearningRateSchedule.linearWarmupDecay(25, 0.1);
    assertThat(s).isEqualTo(new LearningRateSchedule.LinearWarmupDecay(25, 2));
    assertThat(s.factor(1)).isEqualTo(0.5);
    assertThat(s.factor(2)).isEqualTo(1.0);
    assertThat(s.factor(24)).isEqualTo(1.0 / 23);
  }

  @Test
  void noWarmupStartsAtThePeak() {
    LearningRateSchedule s = LearningRateSchedule.linearWarmupDecay(4, 0.0);
    assertThat(s.factor(0)).isEqualTo(1.0);
    assertThat(s.factor(1)).isEqualTo(0.75);
    assertThat(s.factor(3)).isEqualTo(0.25);
    assertThat(s.factor(4)).isEqualTo(0.0);
  }

  @Test
  void constantIsThePeakThroughout() {
    LearningRateSchedule s = LearningRateSchedule.constant();
    assertThat(s.factor(0)).isEqualTo(1.0);
    assertThat(s.factor(1_000_000)).isEqualTo(1.0);
  }

  @Test
  void badValuesAreErrorsNamingThem() {
    assertThatThrownBy(() -> LearningRateSchedule.linearWarmupDecay(0, 0.1))
        .hasMessageContaining("totalSteps must be >= 1, got 0");
    assertThatThrownBy(() -> LearningRateSchedule.linearWarmupDecay(10, 1.0))
        .hasMessageContaining("warmupFraction must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> LearningRateSchedule.linearWarmupDecay(10, -0.1))
        .hasMessageContaining("got -0.1");
    assertThatThrownBy(() -> new LearningRateSchedule.LinearWarmupDecay(10, 10))
        .hasMessageContaining("warmupSteps must be in [0, totalSteps = 10), got 10");
    assertThatThrownBy(() -> LearningRateSchedule.constant().factor(-1)).hasMessageContaining("got -1");
  }
}
