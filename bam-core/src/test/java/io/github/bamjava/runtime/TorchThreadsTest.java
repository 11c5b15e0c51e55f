package io.github.bamjava.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** libtorch's intra-op thread count: the default, the property, and that a count set reaches libtorch. */
class TorchThreadsTest {

  @Test
  void theDefaultIsTheSmallerOfLibtorchsCountAndTheProcessorsAvailable() {
    assertThat(TorchThreads.choose(null, false, 32, 2)).isEqualTo(2); // a container allowed 2 CPUs of 32 cores
    assertThat(TorchThreads.choose(null, false, 8, 16)).isEqualTo(8); // 8 cores with 2 hyper-threads each
    assertThat(TorchThreads.choose(null, false, 1, 2)).isEqualTo(1); // OMP_NUM_THREADS=1
  }

  @Test
  void thePropertyWinsAndDjlsPropertyIsKept() {
    assertThat(TorchThreads.choose("3", false, 8, 2)).isEqualTo(3);
    assertThat(TorchThreads.choose(" 1 ", true, 8, 2)).isEqualTo(1);
    assertThat(TorchThreads.choose(null, true, 6, 2)).as("DJL applied its property: kept").isEqualTo(6);
  }

  @Test
  void aPropertyThatIsNoCountIsRefusedNamingIt() {
    for (String bad : new String[] {"0", "-2", "two", ""}) {
      assertThatThrownBy(() -> TorchThreads.choose(bad, false, 2, 2)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("system property bam.threads must be a whole number >= 1, got '" + bad + "'");
    }
    assertThatThrownBy(() -> TorchThreads.set(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the thread count must be >= 1, got 0");
  }

  @Test
  void aCountSetReachesLibtorchAndTheSameCountGivesTheSameBits() {
    int before = TorchThreads.current();
    try {
      assertThat(TorchThreads.set(2)).isEqualTo(2);
      assertThat(TorchThreads.current()).isEqualTo(2);
      float[] first = product();
      assertThat(product()).containsExactly(first);
      assertThat(TorchThreads.set(1)).isEqualTo(1);
      assertThat(TorchThreads.current()).isEqualTo(1);
    } finally {
      TorchThreads.set(before);
    }
    assertThat(TorchThreads.current()).isEqualTo(before);
  }

  /** A product and a sum large enough to be split over threads, from a fixed seed. */
  private static float[] product() {
    TorchEngine.get().setRandomSeed(5);
    try (NDManager m = TorchEngine.newManager()) {
      NDArray a = m.randomUniform(-1f, 1f, new Shape(192, 256));
      NDArray b = m.randomUniform(-1f, 1f, new Shape(256, 160));
      NDArray c = a.matMul(b);
      return c.concat(c.sum(new int[] {0}, true), 0).toFloatArray();
    }
  }

  @Test
  void javaWorkBesideLibtorchTakesLibtorchsThreadCountAndNoMore() {
    int before = TorchThreads.current();
    try {
      for (int threads : new int[] {1, 2, 3}) {
        TorchThreads.set(threads);
        Set<Thread> used = ConcurrentHashMap.newKeySet();
        AtomicIntegerArray runs = new AtomicIntegerArray(64);
        TorchThreads.forEachTask(64, t -> {
          used.add(Thread.currentThread());
          runs.incrementAndGet(t);
          // Long enough that a pool's other threads take tasks too.
          LockSupport.parkNanos(200_000);
        });
        for (int t = 0; t < 64; t++) {
          assertThat(runs.get(t)).as("task %s with %s threads", t, threads).isEqualTo(1);
        }
        if (threads == 1) {
          assertThat(used).containsExactly(Thread.currentThread());
        } else {
          assertThat(used.size()).as("threads used with a count of %s", threads).isBetween(2, threads);
          assertThat(used).doesNotContain(Thread.currentThread());
        }
      }
    } finally {
      TorchThreads.set(before);
    }
  }
}
