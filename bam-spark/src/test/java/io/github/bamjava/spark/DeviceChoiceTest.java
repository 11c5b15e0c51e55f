package io.github.bamjava.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The device of a Spark task: the GPU Spark assigned it, else the run's own setting. */
class DeviceChoiceTest {

  @Test
  void theAssignedGpuWins() {
    assertThat(DeviceChoice.choose(Map.of("gpu", new String[] {"3"}), null)).isEqualTo(Device.gpu(3));
    assertThat(DeviceChoice.choose(Map.of("gpu", new String[] {"1"}), Device.cpu())).isEqualTo(Device.gpu(1));
  }

  @Test
  void withoutGpuSchedulingTheRunsDeviceHolds() {
    assertThat(DeviceChoice.choose(Map.of(), null)).isNull();
    assertThat(DeviceChoice.choose(Map.of(), Device.cpu())).isEqualTo(Device.cpu());
    assertThat(DeviceChoice.choose(Map.of("gpu", new String[0], "fpga", new String[] {"0"}), Device.gpu(0)))
        .isEqualTo(Device.gpu(0));
  }

  @Test
  void moreThanOneGpuOrAnAddressThatIsNoIndexIsRefused() {
    assertThatThrownBy(() -> DeviceChoice.choose(Map.of("gpu", new String[] {"0", "1"}), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given 2 GPUs (0, 1)")
        .hasMessageContaining("spark.task.resource.gpu.amount=1");
    assertThatThrownBy(() -> DeviceChoice.choose(Map.of("gpu", new String[] {"GPU-5a1c"}), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"GPU-5a1c\"");
  }
}
