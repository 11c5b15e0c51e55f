package io.github.bamjava.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** One training per executor JVM: the task's cores are the executor's, or the configuration is refused. */
class ExecutorSlotsTest {

  @Test
  void localModeTakesAllItsCoresForOneTask() {
    assertThat(ExecutorSlots.required("local", Map.of(), 8)).containsExactly(Map.entry("spark.task.cpus", "1"));
    assertThat(ExecutorSlots.required("local[4]", Map.of(), 8)).containsExactly(Map.entry("spark.task.cpus", "4"));
    assertThat(ExecutorSlots.required("local[4,3]", Map.of(), 8)).containsEntry("spark.task.cpus", "4");
    assertThat(ExecutorSlots.required("local[*]", Map.of(), 8)).containsEntry("spark.task.cpus", "8");
    assertThat(ExecutorSlots.required("local[2]", Map.of("spark.task.cpus", "2"), 8)).isEmpty();
    assertThat(ExecutorSlots.isLocal("local[2,4]")).isTrue();
    assertThat(ExecutorSlots.isLocal("spark://127.0.0.1:7077")).isFalse();
  }

  @Test
  void aClusterMustSayAnExecutorsCores() {
    assertThat(ExecutorSlots.required("spark://h:7077", Map.of("spark.executor.cores", "3"), 8))
        .containsExactly(Map.entry("spark.task.cpus", "3"));
    assertThat(ExecutorSlots.required("local-cluster[2,1,1024]", Map.of(), 8))
        .containsExactly(Map.entry("spark.task.cpus", "1"));
    assertThatThrownBy(() -> ExecutorSlots.required("spark://h:7077", Map.of(), 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set spark.executor.cores=C and spark.task.cpus=C");
  }

  @Test
  void twoTasksInOneExecutorAreRefusedWithWhatToSet() {
    assertThatThrownBy(() -> ExecutorSlots.required("yarn", Map.of("spark.executor.cores", "4",
        "spark.task.cpus", "2"), 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("would run 2 BAM trainings at once").hasMessageContaining("set spark.task.cpus=4");
    assertThatThrownBy(() -> ExecutorSlots.check("spark://h:7077", Map.of("spark.executor.cores", "2"), 8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--conf spark.task.cpus=2");
    assertThatThrownBy(() -> ExecutorSlots.required("local[2]", Map.of("spark.task.cpus", "two"), 8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"two\"");
  }

  @Test
  void aTaskUsesExactlyOneGpu() {
    assertThat(ExecutorSlots.required("local[2]", Map.of("spark.task.resource.gpu.amount", "1"), 8))
        .containsEntry("spark.task.cpus", "2");
    assertThatThrownBy(() -> ExecutorSlots.required("local[2]", Map.of("spark.task.resource.gpu.amount", "0.5"),
        8)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one GPU");
  }
}
