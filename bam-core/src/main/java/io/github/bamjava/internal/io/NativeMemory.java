package io.github.bamjava.internal.io;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import org.jspecify.annotations.Nullable;

/**
 * Hands memory that libtorch has freed back to the operating system, where the C library allows it (glibc).
 *
 * <p>Why: a pipeline that trains and predicts many models on inputs of varying length leaves freed memory
 * scattered over malloc's arenas, where glibc keeps it: a learning-preset {@code bam glue} run reached 15.5 GB
 * resident, and a small one peaked at 11.5 GB with the launcher's malloc settings and 11.1 GB with glibc's own
 * (docs/benchmarks.md). A {@code malloc_trim} between phases (after a training run, a teacher's prediction pass
 * in a pipeline, when a model is closed) returns what is free then; the next step faults in only what it uses.
 * Prediction itself never trims: in a long-lived process that predicts again and again, it would only make the
 * next batches fault their memory back in. On other C libraries and systems this does nothing.
 */
public final class NativeMemory {
  private NativeMemory() {}

  /** glibc's {@code int malloc_trim(size_t pad)}. */
  private interface GlibcMalloc extends Library {
    int malloc_trim(NativeLong pad);
  }

  private static volatile @Nullable GlibcMalloc libc = load();

  private static @Nullable GlibcMalloc load() {
    if (!Platform.isLinux()) {
      return null;
    }
    try {
      return Native.load("c", GlibcMalloc.class);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return null;
    }
  }

  /**
   * Returns the process's freed malloc memory to the system.
   *
   * @return whether the C library could be asked (glibc on Linux); false elsewhere, where nothing happens
   */
  public static boolean releaseFreed() {
    GlibcMalloc c = libc;
    if (c == null) {
      return false;
    }
    try {
      c.malloc_trim(new NativeLong(0));
      return true;
    } catch (UnsatisfiedLinkError e) {
      libc = null; // a Linux C library without malloc_trim (musl): ask no more
      return false;
    }
  }
}
