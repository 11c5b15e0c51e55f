package io.github.bamjava.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TeacherAnnealingScheduleTest {

  @Test
  void linearLambdaIsStepOverTotalSteps() {
    TeacherAnnealingSchedule linear = TeacherAnnealingSchedule.linear();
    // λ = step / total: 0 / 1000 = 0, 250 / 1000 = 0.25, 999 / 1000 = 0.999, 1000 / 1000 = 1.
    assertThat(linear.lambdaAt(0, 1000)).isEqualTo(0.0);
    assertThat(linear.lambdaAt(250, 1000)).isEqualTo(0.25);
    assertThat(linear.lambdaAt(999, 1000)).isEqualTo(0.999);
    assertThat(linear.lambdaAt(1000, 1000)).isEqualTo(1.0);
  }

  @Test
  void progressBeyondTheLastStepIsCappedAtOne() {
    assertThat(TeacherAnnealingSchedule.linear().lambdaAt(1500, 1000)).isEqualTo(1.0);
  }

  @Test
  void constantLambdaIgnoresProgress() {
    TeacherAnnealingSchedule zero = TeacherAnnealingSchedule.constant(0);
    TeacherAnnealingSchedule half = TeacherAnnealingSchedule.constant(0.5);
    for (long step : new long[] {0, 250, 999}) {
      assertThat(zero.lambdaAt(step, 1000)).isEqualTo(0.0);
      assertThat(half.lambdaAt(step, 1000)).isEqualTo(0.5);
    }
  }

  @Test
  void constantOutsideZeroOneIsAnErrorNamingIt() {
    assertThatThrownBy(() -> TeacherAnnealingSchedule.constant(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.5");
    assertThatThrownBy(() -> TeacherAnnealingSchedule.constant(-0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-0.1");
    assertThatThrownBy(() -> TeacherAnnealingSchedule.constant(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
  }

  @Test
  void customFunctionIsEvaluatedOnProgress() {
    // λ = progress²: step 500 of 1000 -> 0.5² = 0.25.
    TeacherAnnealingSchedule squared = TeacherAnnealingSchedule.of("test", p -> p * p);
    assertThat(squared.lambdaAt(500, 1000)).isEqualTo(0.25);
  }

  @Test
  void customFunctionOutsideZeroOneFailsAtLambdaAtNamingValueAndStep() {
    TeacherAnnealingSchedule broken = TeacherAnnealingSchedule.of("test", p -> 2);
    assertThatThrownBy(() -> broken.lambdaAt(5, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lambda 2.0")
        .hasMessageContaining("step 5 of 10");
    assertThatThrownBy(() -> TeacherAnnealingSchedule.of("test", p -> Double.NaN).lambdaAt(0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
  }

  @Test
  void nonPositiveTotalStepsIsAnError() {
    assertThatThrownBy(() -> TeacherAnnealingSchedule.linear().lambdaAt(0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("total steps must be positive, got 0");
  }
}
