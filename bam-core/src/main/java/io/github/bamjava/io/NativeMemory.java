package io.github.bamjava.io;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import org.jspecify.annotations.Nullable;

/**
 * Hands memory that libtorch has freed back to the operating system, where the C library allows it (glibc).
 *
 * <p>Why: the {@code ./bam} launcher tells glibc's malloc to keep freed memory in the process, so that each
 * training step reuses the last one's activations instead of page-faulting them in again (a tenth of a CPU step,
 * docs/benchmarks.md). But a pipeline that trains and predicts many models on inputs of varying length leaves that
 * memory scattered over many malloc arenas: a learning-preset {@code bam glue} run reached 15.5 GB resident. A
 * {@code malloc_trim} between phases (after a prediction pass, when a model is closed) returns what is free then,
 * and the next step faults in only what it uses. On other C libraries and systems this does nothing.
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
