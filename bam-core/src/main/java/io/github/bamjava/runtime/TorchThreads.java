package io.github.bamjava.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many threads libtorch runs each operation on (its intra-op threads): by default the processors this process
 * may use, or the number asked for with {@link #set(int)} or {@code -Dbam.threads=N}.
 *
 * <p>Why not libtorch's own default: libtorch counts the machine's cores and ignores the limits a container or a
 * CPU affinity mask puts on the process; in a container allowed 2 CPUs on a 64-core host it starts 32 or 64
 * threads that fight over 2 cores. The JVM's {@link Runtime#availableProcessors()} counts what the process may
 * use (its affinity mask and its cgroup's CPU quota), so the default is the smaller of the two; on a machine of
 * its own the process keeps libtorch's count (physical cores where libtorch can tell them from hyper-threads).
 * The default does not follow the machine's load: a load average counts processes of lower priority and this
 * process's own threads, moves within seconds while a run keeps its thread count for hours, and libtorch's threads
 * wait without spinning (the library sets {@code OMP_WAIT_POLICY=passive}, see {@link OpenMpWaits}), so a thread
 * that waits for a core taken by a neighbour no longer burns the other one (docs/benchmarks.md). Ask for fewer
 * threads where the cores are known to be taken.
 *
 * <p>Results: the same seed gives the same bits with the same thread count; another thread count splits sums
 * differently and changes the last bits, as another processor kind does. Applying the count also keeps MKL from
 * dropping threads when the machine is busy (libtorch turns MKL's dynamic threads off with it, as {@code
 * MKL_DYNAMIC=FALSE} does), which would otherwise change bits from run to run.
 *
 * <p>An explicit {@code -Dai.djl.pytorch.num_threads=N} (DJL's own property) is kept as DJL applied it.
 */
public final class TorchThreads {
  private TorchThreads() {}

  /** The system property with the thread count: {@code -Dbam.threads=N}, N at least 1. */
  public static final String PROPERTY = "bam.threads";
  /** DJL's property that sets the count when the engine loads; when given, the library leaves it. */
  static final String DJL_PROPERTY = "ai.djl.pytorch.num_threads";

  private static final Logger LOG = LoggerFactory.getLogger(TorchThreads.class);

  /**
   * Sets libtorch's intra-op threads to {@code threads} and returns the count libtorch reports. It applies to the
   * calling thread at once and to every thread that runs its first libtorch operation after this call: call it
   * before training or prediction starts, from the thread that runs them (a thread that already ran operations
   * keeps its count).
   *
   * @throws IllegalArgumentException when {@code threads < 1}
   */
  public static synchronized int set(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("the thread count must be >= 1, got " + threads);
    }
    TorchEngine.get(); // loads libtorch (and applies the default) first
    Jni.set(threads);
    return Jni.get();
  }

  /** libtorch's intra-op thread count as the calling thread sees it (loads libtorch if it is not loaded yet). */
  public static int current() {
    TorchEngine.get();
    return Jni.get();
  }

  /**
   * Runs {@code body} for every index in [0, {@code tasks}) on as many threads as libtorch's operations use on the
   * calling thread ({@link #current()}): on the calling thread alone when that is one, else on a pool of that many
   * (the caller waits). Work the library does in Java beside libtorch's (dropout masks, the optimizer's pass) so
   * takes the cores the training was given and no more: the JVM's common pool would take every processor of the
   * machine, a one-core Spark executor's neighbour's included. The tasks must not depend on each other's order.
   */
  public static void forEachTask(int tasks, IntConsumer body) {
    int threads = current();
    if (threads == 1 || tasks <= 1) {
      for (int t = 0; t < tasks; t++) {
        body.accept(t);
      }
      return;
    }
    POOLS.computeIfAbsent(threads, ForkJoinPool::new)
        .submit(() -> IntStream.range(0, tasks).parallel().forEach(body)).join();
  }

  /** A pool per thread count asked for by {@link #forEachTask}; their threads are daemons, idle between uses. */
  private static final Map<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();

  /** The processors this process may use: its affinity mask and its cgroup's CPU quota, as the JVM counts them. */
  public static int available() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Applies the chosen count once the engine has loaded; called by {@link TorchEngine} on its first use.
   *
   * @throws IllegalArgumentException for a {@value #PROPERTY} value that is not a whole number >= 1
   */
  static int atEngineStart() {
    int libtorch = Jni.get(); // its default (OMP_NUM_THREADS where set), or DJL's property's
    int threads = choose(System.getProperty(PROPERTY), System.getProperty(DJL_PROPERTY) != null, libtorch,
        available());
    Jni.set(threads);
    LOG.debug("libtorch intra-op threads: {} (libtorch's own count {}, processors available {})", threads,
        libtorch, available());
    return threads;
  }

  /**
   * The count: {@code property}'s value when given; else libtorch's count when DJL's property set it; else the
   * smaller of libtorch's count and the processors available.
   *
   * @throws IllegalArgumentException naming the property, for a value that is not a whole number >= 1
   */
  static int choose(@Nullable String property, boolean djlPropertySet, int libtorch, int available) {
    if (property != null) {
      int n;
      try {
        n = Integer.parseInt(property.trim());
      } catch (NumberFormatException e) {
        n = 0;
      }
      if (n < 1) {
        throw new IllegalArgumentException("system property " + PROPERTY + " must be a whole number >= 1, got '"
            + property + "'");
      }
      return n;
    }
    return djlPropertySet ? libtorch : Math.max(1, Math.min(libtorch, available));
  }

  /**
   * DJL's calls of libtorch's {@code at::set_num_threads} and {@code at::get_num_threads}, found at run time: the
   * PyTorch engine is a run-time dependency of this library (see its pom), so no code here names its classes at
   * compile time.
   */
  private static final class Jni {
    private static final MethodHandle SET = DjlJni.find("setNumThreads", MethodType.methodType(void.class, int.class));
    private static final MethodHandle GET = DjlJni.find("getNumThreads", MethodType.methodType(int.class));

    static void set(int threads) {
      try {
        SET.invokeExact(threads);
      } catch (Throwable e) {
        throw rethrow(e);
      }
    }

    static int get() {
      try {
        return (int) GET.invokeExact();
      } catch (Throwable e) {
        throw rethrow(e);
      }
    }

    private static RuntimeException rethrow(Throwable e) {
      if (e instanceof RuntimeException r) {
        throw r;
      }
      if (e instanceof Error r) {
        throw r;
      }
      throw new IllegalStateException(e);
    }
  }
}
