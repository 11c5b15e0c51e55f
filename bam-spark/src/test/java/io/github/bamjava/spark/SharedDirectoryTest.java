package io.github.bamjava.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The output directory on a cluster: a plain path on a shared mount, never an object store's URI. */
class SharedDirectoryTest {

  @Test
  void aPlainPathIsTaken() {
    assertThat(SharedDirectory.check(Path.of("/mnt/shared/runs/../runs/glue"), false))
        .isEqualTo(Path.of("/mnt/shared/runs/glue"));
    assertThat(SharedDirectory.check(Path.of("runs/glue"), true)).isEqualTo(Path.of("runs/glue").toAbsolutePath());
  }

  @Test
  void uriAndRelativePathsOnAClusterAreRefused() {
    assertThatThrownBy(() -> SharedDirectory.check(Path.of("hdfs://namenode/runs"), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hdfs:/namenode/runs is a URI")
        .hasMessageContaining("HDFS, S3 and other object stores are not supported");
    assertThatThrownBy(() -> SharedDirectory.check(Path.of("s3a://bucket/runs"), true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SharedDirectory.check(Path.of("runs/glue"), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is relative");
  }
}
