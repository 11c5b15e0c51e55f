package io.github.bamjava.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.runtime.OpenMpWaits.Outcome;
import org.junit.jupiter.api.Test;

/** When the library sets {@code OMP_WAIT_POLICY=passive} for libtorch's OpenMP threads, and when it stands aside. */
class OpenMpWaitsTest {

  @Test
  void setOnLinuxBeforeLibgompLoadsUnlessTheEnvironmentOrThePropertySaysOtherwise() {
    assertThat(OpenMpWaits.choose(null, null, true, false)).isEqualTo(Outcome.SET);
    assertThat(OpenMpWaits.choose("true", null, true, false)).isEqualTo(Outcome.SET);
    assertThat(OpenMpWaits.choose(null, "active", true, false)).isEqualTo(Outcome.ENVIRONMENT_SET);
    assertThat(OpenMpWaits.choose("FALSE", null, true, false)).isEqualTo(Outcome.TURNED_OFF);
    assertThat(OpenMpWaits.choose(null, null, true, true)).isEqualTo(Outcome.TOO_LATE);
    assertThat(OpenMpWaits.choose(null, null, false, false)).isEqualTo(Outcome.UNSUPPORTED);
  }

  @Test
  void aPropertyValueOtherThanTrueOrFalseIsRefusedNamingIt() {
    assertThatThrownBy(() -> OpenMpWaits.choose("no", null, true, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("system property bam.omp.passive must be true or false, got 'no'");
  }

  @Test
  void onceSetTheCEnvironmentThatLibgompReadsHoldsPassive() {
    if (OpenMpWaits.beforeLibtorch() == Outcome.SET) {
      assertThat(OpenMpWaits.current()).isEqualTo("passive");
    }
    // Set by this library earlier in this JVM, or by the environment: libgomp reads the C environment's value.
    String java = System.getenv("OMP_WAIT_POLICY");
    String c = OpenMpWaits.current();
    assertThat(c == null || c.equals("passive") || c.equals(java)).as("C environment: %s", c).isTrue();
  }
}
