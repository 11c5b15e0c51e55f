package io.github.bamjava.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes libtorch's OpenMP threads sleep when they wait ({@code OMP_WAIT_POLICY=passive}), for an application that
 * embeds the library as for the {@code ./bam} launcher, which sets the same variable.
 *
 * <p>Why: each of libtorch's parallel operations ends at a barrier, and by default a thread that arrives first
 * spins on its core there. Beside any other busy process the spinning thread takes the core from the thread it
 * waits for: MiniLM training steps ran 17x slower on a loaded machine (docs/benchmarks.md, "A busy neighbour").
 *
 * <p>How: libtorch's GNU OpenMP ({@code libgomp}) reads the variable once, when it is loaded with libtorch, from
 * the C environment; the JVM's own copy ({@link System#getenv()}) is not what it reads. So {@link
 * #beforeLibtorch()} puts the variable into the C environment with {@code setenv}, once, before the first engine
 * loads libtorch ({@link TorchEngine} calls it). It does nothing when the variable is already set (the user's
 * choice wins), with {@code -Dbam.omp.passive=false}, off Linux, or once libgomp is loaded.
 */
public final class OpenMpWaits {
  private OpenMpWaits() {}

  /** The system property that turns it off: {@code -Dbam.omp.passive=false}. */
  public static final String PROPERTY = "bam.omp.passive";
  /** The variable libgomp reads. */
  static final String VARIABLE = "OMP_WAIT_POLICY";

  private static final Logger LOG = LoggerFactory.getLogger(OpenMpWaits.class);

  /** What {@link #beforeLibtorch()} did, or why it did nothing. */
  public enum Outcome {
    /** The variable was set to {@code passive} before libgomp loaded. */
    SET,
    /** The environment already sets the variable (to any value): left as it is. */
    ENVIRONMENT_SET,
    /** Turned off with {@code -Dbam.omp.passive=false}. */
    TURNED_OFF,
    /** libgomp is loaded already and has read its environment: too late to change. */
    TOO_LATE,
    /** Not Linux, or {@code setenv} could not be called. */
    UNSUPPORTED
  }

  /** The C library's environment functions. */
  private interface C extends Library {
    int setenv(String name, String value, int overwrite);

    String getenv(String name);
  }

  /**
   * Sets {@code OMP_WAIT_POLICY=passive} in the C environment if {@link #choose} says so. Call it before libtorch
   * loads; later calls change nothing. Idempotent.
   *
   * @throws IllegalArgumentException for a {@value #PROPERTY} value other than true or false
   */
  public static synchronized Outcome beforeLibtorch() {
    Outcome choice = choose(System.getProperty(PROPERTY), System.getenv(VARIABLE), Platform.isLinux(),
        libgompLoaded());
    if (choice != Outcome.SET) {
      LOG.debug("{} not set: {}", VARIABLE, choice);
      return choice;
    }
    try {
      C c = Native.load("c", C.class);
      if (c.getenv(VARIABLE) != null) {
        return Outcome.ENVIRONMENT_SET; // set in the C environment since the JVM started
      }
      return c.setenv(VARIABLE, "passive", 0) == 0 ? Outcome.SET : Outcome.UNSUPPORTED;
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return Outcome.UNSUPPORTED;
    }
  }

  /**
   * The value of {@code OMP_WAIT_POLICY} in the C environment, which libgomp reads; null when unset or off Linux.
   */
  public static @Nullable String current() {
    if (!Platform.isLinux()) {
      return null;
    }
    try {
      return Native.load("c", C.class).getenv(VARIABLE);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return null;
    }
  }

  /**
   * Whether to set the variable, from the property's value (null when unset), the variable's value in the JVM's
   * environment (null when unset), whether this is Linux and whether libgomp is loaded; {@link Outcome#SET} means
   * go ahead.
   *
   * @throws IllegalArgumentException for a property value other than true or false, naming the property
   */
  static Outcome choose(@Nullable String property, @Nullable String variable, boolean linux, boolean loaded) {
    if (property != null && !property.equalsIgnoreCase("true")) {
      if (!property.equalsIgnoreCase("false")) {
        throw new IllegalArgumentException("system property " + PROPERTY + " must be true or false, got '"
            + property + "'");
      }
      return Outcome.TURNED_OFF;
    }
    if (variable != null) {
      return Outcome.ENVIRONMENT_SET;
    }
    if (!linux) {
      return Outcome.UNSUPPORTED;
    }
    return loaded ? Outcome.TOO_LATE : Outcome.SET;
  }

  private static boolean libgompLoaded() {
    try {
      return Files.readString(Path.of("/proc/self/maps")).contains("libgomp");
    } catch (IOException e) {
      return false;
    }
  }
}
