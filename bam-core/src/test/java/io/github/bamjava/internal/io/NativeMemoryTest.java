package io.github.bamjava.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {

  /** glibc on Linux: the process maps libc.so.6 (musl's is libc.musl-*.so.1 or ld-musl-*). */
  private static boolean glibc() throws Exception {
    Path maps = Path.of("/proc/self/maps");
    return Files.exists(maps) && Files.readString(maps).contains("libc.so.6");
  }

  @Test
  void trimsOnGlibcAndLibtorchGoesOnWorking() throws Exception {
    assumeTrue(glibc(), "glibc on Linux only");
    try (NDManager manager = NDManager.newBaseManager()) {
      for (int i = 1; i <= 20; i++) {
        try (NDArray a = manager.ones(new Shape(i * 1000, 257))) {
          a.sum().getFloat();
        }
      }
      assertThat(NativeMemory.releaseFreed()).isTrue();
      try (NDArray b = manager.ones(new Shape(3000, 100))) {
        assertThat(b.sum().getFloat()).isEqualTo(300_000f);
      }
    }
  }
}
