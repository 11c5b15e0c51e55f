package io.github.bamjava.runtime;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Java heap of an application that trains in its own JVM small where G1 sizes the young generation
 * itself: a full collection between the phases of a pipeline ({@link #compact()}), and once, in one line, the
 * option that keeps it small within a phase too: {@value #OPTION}, which {@code ./bam} sets.
 *
 * <p>Why: left to size its young generation itself, G1 grows the heap at its first collection after start-up
 * (the JVM's own start-up collections put its pause-time ratio over its threshold) to some 800 MB, and a training's
 * short-lived objects (about 2 MB/s, half of them DJL naming parameters on each forward) cycle through all of its
 * young generation, which so becomes resident. A full collection after a phase lets G1 shrink the heap to some 3.3
 * times what is live (400 MB committed in a {@code bam glue} run), and it does not grow it again at that rate;
 * under the cap the short-lived objects touch a few regions only, however long a training runs
 * (docs/benchmarks.md). A library cannot set that option for the process it runs in, so it says so.
 */
public final class YoungGeneration {
  private YoungGeneration() {}

  /** The JVM option that caps the young generation. */
  public static final String OPTION = "-XX:MaxNewSize=64m";
  /** The system property that silences the advice: {@code -Dbam.heap.advice=false}. */
  public static final String PROPERTY = "bam.heap.advice";
  /** The system property that stops the collection between phases: {@code -Dbam.heap.compact=false}. */
  public static final String COMPACT_PROPERTY = "bam.heap.compact";

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

  /**
   * Between the phases of a pipeline (a training's end, a teacher's prediction pass), collects the Java heap when
   * {@link #sizedByG1()} and not stopped by {@value #COMPACT_PROPERTY}; says whether it asked. A full collection
   * lets G1 hand back what the young generation grew to, and the next phase starts small; it takes some 30 ms on a
   * pipeline's heap, a few times in a run. It is {@code System.gc()}, so {@code -XX:+DisableExplicitGC} turns it
   * off as well.
   */
  public static boolean compact() {
    if (!Boolean.parseBoolean(System.getProperty(COMPACT_PROPERTY, "true")) || !sizedByG1()) {
      return false;
    }
    System.gc();
    return true;
  }

  /** Lets a test see the advice given again. */
  static void forget() {
    told = false;
  }
}
