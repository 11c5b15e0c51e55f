package io.github.bamjava.internal.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory as Linux reports it ({@code /proc/self/status}): the JVM's heap and code, and
 * libtorch's tensors and the C allocator's heaps alike. Zero on systems without that file.
 *
 * <p>Why: a run's memory is mostly native, where the JVM's own tools do not see it; the resident set is the one
 * figure that counts it all, the figure a machine runs out of.
 */
public final class ResidentMemory {
  private ResidentMemory() {}

  /** The resident set now, in bytes; 0 where unreadable. */
  public static long currentBytes() {
    return field("VmRSS:");
  }

  /** The highest resident set of the process so far, in bytes; 0 where unreadable. */
  public static long peakBytes() {
    return field("VmHWM:");
  }

  private static long field(String name) {
    Path status = Path.of("/proc/self/status");
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
      return 0; // not Linux, or a /proc without the field: unknown
    }
    return 0;
  }
}
