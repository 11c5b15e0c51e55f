package io.github.bamjava.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
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
    withProperty(YoungGeneration.PROPERTY, () -> {
      System.setProperty(YoungGeneration.PROPERTY, "false");
      assertThat(YoungGeneration.advise()).isFalse();
      System.clearProperty(YoungGeneration.PROPERTY);
      YoungGeneration.forget(); // a training of another test may have been advised already
      boolean first = YoungGeneration.advise();
      assertThat(first).isEqualTo(YoungGeneration.sizedByG1());
      assertThat(YoungGeneration.advise()).as("a second time").isFalse();
    });
  }

  @Test
  void aCollectionBetweenPhasesHandsBackWhatTheHeapGrewTo() {
    assumeTrue(YoungGeneration.sizedByG1(), "a JVM whose young generation G1 does not size itself");
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<byte[]> held = new ArrayList<>();
    for (int i = 0; i < 128; i++) {
      held.add(new byte[8 << 20]); // 1 GiB at once: G1 commits at least that much
    }
    long grown = memory.getHeapMemoryUsage().getCommitted();
    held.clear();
    assertThat(YoungGeneration.compact()).isTrue();
    // Without a full collection G1 keeps all of it committed; with one it keeps some 3.3 times what is live (its
    // MaxHeapFreeRatio of 70 %), which is less than what grew while less than 430 MiB of this JVM's heap is live.
    assertThat(memory.getHeapMemoryUsage().getCommitted()).as("committed after (grown to %d)", grown)
        .isLessThan(grown);
  }

  @Test
  void theCollectionBetweenPhasesCanBeStopped() {
    withProperty(YoungGeneration.COMPACT_PROPERTY, () -> {
      System.setProperty(YoungGeneration.COMPACT_PROPERTY, "false");
      assertThat(YoungGeneration.compact()).isFalse();
    });
  }

  /** Runs {@code body}, then gives the system property {@code name} back the value it had. */
  private static void withProperty(String name, Runnable body) {
    String before = System.getProperty(name);
    try {
      body.run();
    } finally {
      if (before == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, before);
      }
    }
  }
}
