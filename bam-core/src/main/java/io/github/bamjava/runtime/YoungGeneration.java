package io.github.bamjava.runtime;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an application that trains in its own JVM, once and in one line, the option that keeps its Java heap
 * small: {@value #OPTION}, which {@code ./bam} sets.
 *
 * <p>Why: left to size its young generation itself, G1 grows the heap at its first collection after start-up
 * (the JVM's own start-up collections put its pause-time ratio over its threshold) to some 800 MB, and a training's
 * short-lived objects (about 2 MB/s, half of them DJL naming parameters on each forward) cycle through all of its
 * young generation, which so becomes resident. Under the cap they touch a few regions only: a whole learning-preset
 * {@code bam glue} as an application peaked at 2,641 MiB with it and 2,923 MiB without, in the same time
 * (docs/benchmarks.md). A library cannot set that option for the process it runs in, so it says so.
 */
public final class YoungGeneration {
  private YoungGeneration() {}

  /** The JVM option that caps the young generation. */
  public static final String OPTION = "-XX:MaxNewSize=64m";
  /** The system property that silences the advice: {@code -Dbam.heap.advice=false}. */
  public static final String PROPERTY = "bam.heap.advice";

  private static final Logger LOG = LoggerFactory.getLogger(YoungGeneration.class);
  private static volatile boolean told;

  /**
   * Whether this JVM runs G1 with a young generation it sizes itself: no {@code -Xmn}, {@code -XX:NewSize} or
   * {@code -XX:MaxNewSize} was given. False where the JVM does not say.
   */
  public static boolean sizedByG1() {
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    if (hotspot == null) {
      return false;
    }
    try {
      if (!Boolean.parseBoolean(hotspot.getVMOption("UseG1GC").getValue())) {
        return false;
      }
      for (String name : List.of("NewSize", "MaxNewSize")) {
        VMOption.Origin origin = hotspot.getVMOption(name).getOrigin();
        if (origin != VMOption.Origin.DEFAULT && origin != VMOption.Origin.ERGONOMIC) {
          return false;
        }
      }
      return true;
    } catch (IllegalArgumentException e) {
      return false; // a JVM without these options
    }
  }

  /** Logs the advice once per process when {@link #sizedByG1()} and it is not silenced; says whether it did. */
  public static boolean advise() {
    if (told || !Boolean.parseBoolean(System.getProperty(PROPERTY, "true")) || !sizedByG1()) {
      return false;
    }
    told = true;
    LOG.info("G1 sizes this JVM's young generation itself, and a long training then keeps some 0.8 GB of heap"
        + " resident for short-lived objects; start the JVM with {} to keep most of that free, as ./bam does"
        + " (-D{}=false silences this)", OPTION, PROPERTY);
    return true;
  }

  /** Lets a test see the advice given again. */
  static void forget() {
    told = false;
  }
}
