package io.github.bamjava.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The advice to cap G1's young generation, read from the options this test JVM was started with. */
class YoungGenerationTest {

  @Test
  void saysWhetherG1SizesTheYoungGenerationItselfFromTheJvmsOwnOptions() {
    List<String> options = ManagementFactory.getRuntimeMXBean().getInputArguments();
    boolean g1 = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
        .anyMatch(name -> name.startsWith("G1"));
    boolean capped = options.stream().anyMatch(o -> o.startsWith("-Xmn") || o.startsWith("-XX:NewSize=")
        || o.startsWith("-XX:MaxNewSize="));
    assertThat(YoungGeneration.sizedByG1()).as("options %s, G1 %s", options, g1).isEqualTo(g1 && !capped);
  }

  @Test
  void theAdviceIsGivenAtMostOnceAndCanBeSilenced() {
    String before = System.getProperty(YoungGeneration.PROPERTY);
    try {
      System.setProperty(YoungGeneration.PROPERTY, "false");
      assertThat(YoungGeneration.advise()).isFalse();
      System.clearProperty(YoungGeneration.PROPERTY);
      YoungGeneration.forget(); // a training of another test may have been advised already
      boolean first = YoungGeneration.advise();
      assertThat(first).isEqualTo(YoungGeneration.sizedByG1());
      assertThat(YoungGeneration.advise()).as("a second time").isFalse();
    } finally {
      if (before == null) {
        System.clearProperty(YoungGeneration.PROPERTY);
      } else {
        System.setProperty(YoungGeneration.PROPERTY, before);
      }
    }
  }
}
