package io.github.bamjava.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.runtime.MallocSettings.Outcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the library sets glibc's malloc settings for training, and when it leaves them alone. */
class MallocSettingsTest {

  @Test
  void setsThemOnLinuxWhenNothingElseDecided() {
    assertThat(MallocSettings.choose(null, Map.of("HOME", "/root"), true)).isEqualTo(Outcome.APPLIED);
    assertThat(MallocSettings.choose("true", Map.of(), true)).isEqualTo(Outcome.APPLIED);
    assertThat(MallocSettings.choose("TRUE", Map.of(), true)).isEqualTo(Outcome.APPLIED);
  }

  @Test
  void thePropertyTurnsThemOff() {
    assertThat(MallocSettings.choose("false", Map.of(), true)).isEqualTo(Outcome.TURNED_OFF);
    assertThat(MallocSettings.choose("False", Map.of(), true)).isEqualTo(Outcome.TURNED_OFF);
  }

  @Test
  void anyMallocVariableInTheEnvironmentWins() {
    for (String name : MallocSettings.ENVIRONMENT) {
      assertThat(MallocSettings.choose(null, Map.of(name, "1"), true)).as(name).isEqualTo(Outcome.ENVIRONMENT_SET);
    }
    assertThat(MallocSettings.choose(null, Map.of("MALLOC_TRIM_THRESHOLD_", "17179869184"), true))
        .isEqualTo(Outcome.ENVIRONMENT_SET);
  }

  @Test
  void nothingOffLinux() {
    assertThat(MallocSettings.choose(null, Map.of(), false)).isEqualTo(Outcome.UNSUPPORTED);
  }

  @Test
  void aMistypedPropertyIsAnErrorNamingIt() {
    assertThatThrownBy(() -> MallocSettings.choose("off", Map.of(), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bam.malloc.tuning").hasMessageContaining("'off'");
  }

  @Test
  void theSettingsAreWhatTheLauncherUsedToSet() {
    // MALLOC_MMAP_THRESHOLD_=33554432 and MALLOC_TOP_PAD_=268435456; the trim threshold at mallopt's largest.
    assertThat(MallocSettings.MMAP_THRESHOLD).isEqualTo(33_554_432);
    assertThat(MallocSettings.TOP_PAD).isEqualTo(268_435_456);
    assertThat(MallocSettings.TRIM_THRESHOLD).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void aProcessDecidesOnce() {
    MallocSettings.forPrediction();
    assertThat(MallocSettings.forTraining()).isEqualTo(Outcome.ALREADY_DECIDED);
    assertThat(MallocSettings.forPrediction()).isEqualTo(Outcome.ALREADY_DECIDED);
  }
}
