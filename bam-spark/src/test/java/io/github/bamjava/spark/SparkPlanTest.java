package io.github.bamjava.spark;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.google.gson.JsonObject;
import io.github.bamjava.pipeline.WorkPlan;
import io.github.bamjava.train.RunListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SparkPlanTest {

  /** Units named by their size; "b" needs "a". */
  private static final class Sized implements WorkPlan<String> {
    private final Map<String, Long> sizes = Map.of("a", 5L, "b", 5L, "c", 9L, "d", 0L, "e", 9L);

    @Override
    public Path outputDir() {
      return Path.of("unused");
    }

    @Override
    public JsonObject key() {
      return new JsonObject();
    }

    @Override
    public List<String> units() {
      return List.of("a", "b", "c", "d", "e");
    }

    @Override
    public List<String> inputs(String unit) {
      return unit.equals("b") ? List.of("a") : List.of();
    }

    @Override
    public long size(String unit) {
      return sizes.get(unit);
    }

    @Override
    public Optional<String> pending(String unit) {
      return Optional.of("not run");
    }

    @Override
    public void run(String unit) {}

    @Override
    public WorkPlan<String> withDevice(Device device) {
      return this;
    }

    @Override
    public WorkPlan<String> withListeners(Function<String, List<RunListener>> listeners) {
      return this;
    }
  }

  @Test
  void unitsStartLargestFirstAndInThePlansOrderAmongEquals() throws Exception {
    assertThat(SparkPlan.startOrder(new Sized())).containsExactly("c", "e", "a", "b", "d");
  }
}
