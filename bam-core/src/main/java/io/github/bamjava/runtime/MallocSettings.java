package io.github.bamjava.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * glibc's malloc settings for training, set by the library itself through {@code mallopt} when a training run
 * starts, so that an application embedding the library trains as fast as the {@code ./bam} launcher; and, for a
 * process that only predicts, the same settings ({@link #forPrediction()}), which {@code bam predict} sets.
 *
 * <p>Why: by default glibc hands large freed blocks back to the system and page-faults them in again on the
 * next training step, which cost about a fifth of a CPU step (docs/benchmarks.md). The settings keep freed memory
 * in the process: blocks under 32 MiB come from malloc's heaps rather than their own mappings ({@code
 * M_MMAP_THRESHOLD}), free memory at the top of a heap is kept up to 2 GiB ({@code M_TRIM_THRESHOLD}; {@code
 * mallopt} takes an {@code int}, so this is its largest value, where the environment variable of the same meaning
 * allows more), and a heap grows by 256 MiB beyond a request ({@code M_TOP_PAD}).
 *
 * <p>They are process-wide and stay for the process's life, so the library sets them only at the first training
 * run, never when it loads or predicts: an application that embeds it may run other work in the same process,
 * whose memory these settings would keep too. They are not set when the system property {@value #PROPERTY} is {@code false}, when any of
 * glibc's {@code MALLOC_*} tuning variables is set in the environment (the user's, or the launcher's, choice wins),
 * or on a C library other than glibc.
 */
public final class MallocSettings {
  private MallocSettings() {}

  /** The system property that turns the settings off: {@code -Dbam.malloc.tuning=false}. */
  public static final String PROPERTY = "bam.malloc.tuning";

  /** {@code M_MMAP_THRESHOLD}: 32 MiB, the largest glibc allows. */
  static final int MMAP_THRESHOLD = 32 << 20;
  /** {@code M_TRIM_THRESHOLD}: the largest value {@code mallopt}'s {@code int} holds, about 2 GiB. */
  static final int TRIM_THRESHOLD = Integer.MAX_VALUE;
  /** {@code M_TOP_PAD}: 256 MiB. */
  static final int TOP_PAD = 256 << 20;

  /** glibc's parameter numbers, from {@code malloc.h}. */
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_TOP_PAD = -2;
  private static final int M_MMAP_THRESHOLD = -3;

  /** The environment variables through which glibc reads its tuning at start-up; any of them set means hands off. */
  static final List<String> ENVIRONMENT = List.of("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
      "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_", "MALLOC_ARENA_MAX", "GLIBC_TUNABLES");

  private static final Logger LOG = LoggerFactory.getLogger(MallocSettings.class);
  private static final AtomicBoolean DONE = new AtomicBoolean();

  /** What {@link #forTraining()} did, or why it did nothing. */
  public enum Outcome {
    /** The settings were set through {@code mallopt}. */
    APPLIED,
    /** Turned off with {@code -Dbam.malloc.tuning=false}. */
    TURNED_OFF,
    /** The environment already tunes malloc (a {@code MALLOC_*} variable or {@code GLIBC_TUNABLES}). */
    ENVIRONMENT_SET,
    /** Not glibc on Linux, or {@code mallopt} could not be called. */
    UNSUPPORTED,
    /** An earlier training run in this process already decided. */
    ALREADY_DECIDED
  }

  /** glibc's {@code int mallopt(int param, int value)}. */
  private interface Glibc extends Library {
    int mallopt(int param, int value);

    /** Present in glibc only: tells it apart from musl, whose {@code mallopt} does nothing. */
    String gnu_get_libc_version();
  }

  /**
   * Sets the training settings, once per process (this or {@link #forPrediction()}, whichever comes first); later
   * calls return {@link Outcome#ALREADY_DECIDED}. Called by the trainer when a run starts; an application may call
   * it earlier (before loading data, say).
   */
  public static Outcome forTraining() {
    if (!DONE.compareAndSet(false, true)) {
      return Outcome.ALREADY_DECIDED;
    }
    return set("training", new int[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD, M_TRIM_THRESHOLD, TRIM_THRESHOLD, M_TOP_PAD,
        TOP_PAD});
  }

  /**
   * Sets the settings for a process that only predicts, once per process, under the same conditions as {@link
   * #forTraining()}: they are the training settings, since {@link io.github.bamjava.predict.BatchPredictor} runs its
   * batches in a few fixed shapes, whose blocks malloc then hands back exactly, batch after batch, from memory it
   * keeps: resident memory levels off after the first windows instead of growing with the input, and no block is
   * mapped and faulted in afresh for each batch (a fixed 1 MiB mmap threshold, the earlier way to keep prediction's
   * memory flat, made it several times slower; docs/benchmarks.md). The library never calls this itself (an
   * application that also serves other work knows its process better); {@code bam predict}, a process of its
   * own, does.
   */
  public static Outcome forPrediction() {
    if (!DONE.compareAndSet(false, true)) {
      return Outcome.ALREADY_DECIDED;
    }
    return set("prediction", new int[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD, M_TRIM_THRESHOLD, TRIM_THRESHOLD,
        M_TOP_PAD, TOP_PAD});
  }

  /** Calls {@code mallopt} with each (parameter, value) pair of {@code settings}, if {@link #choose} says so. */
  private static Outcome set(String purpose, int[] settings) {
    Outcome choice = choose(System.getProperty(PROPERTY), System.getenv(), Platform.isLinux());
    if (choice != Outcome.APPLIED) {
      LOG.debug("malloc settings for {} not set: {}", purpose, choice);
      return choice;
    }
    try {
      Glibc c = Native.load("c", Glibc.class);
      c.gnu_get_libc_version();
      boolean ok = true;
      for (int i = 0; i < settings.length; i += 2) {
        ok &= c.mallopt(settings[i], settings[i + 1]) == 1;
      }
      LOG.debug("malloc settings for {} set through mallopt{}", purpose, ok ? "" : " (glibc refused one)");
      return ok ? Outcome.APPLIED : Outcome.UNSUPPORTED;
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return Outcome.UNSUPPORTED;
    }
  }

  /**
   * Whether to set the settings, from the property's value (null when unset), the environment and whether this is
   * Linux; {@link Outcome#APPLIED} means go ahead.
   *
   * @throws IllegalArgumentException for a property value other than true or false, naming the property
   */
  static Outcome choose(String property, Map<String, String> environment, boolean linux) {
    if (property != null && !property.equalsIgnoreCase("true")) {
      if (!property.equalsIgnoreCase("false")) {
        throw new IllegalArgumentException("system property " + PROPERTY + " must be true or false, got '"
            + property + "'");
      }
      return Outcome.TURNED_OFF;
    }
    for (String name : ENVIRONMENT) {
      if (environment.containsKey(name)) {
        return Outcome.ENVIRONMENT_SET;
      }
    }
    return linux ? Outcome.APPLIED : Outcome.UNSUPPORTED;
  }
}
