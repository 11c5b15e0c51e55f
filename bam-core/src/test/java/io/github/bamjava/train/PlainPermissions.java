package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks that a directory this library wrote is as readable as one an ordinary mkdir makes (umask applied). */
public final class PlainPermissions {
  private PlainPermissions() {}

  /** Skips the test where the file system has no POSIX permissions. */
  public static void assertLikeAPlainDirectory(Path dir) throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "no POSIX permissions");
    Path plain = Files.createDirectory(dir.resolveSibling(dir.getFileName() + "-plain"));
    try {
      assertThat(Files.getPosixFilePermissions(dir)).as("permissions of %s", dir)
          .isEqualTo(Files.getPosixFilePermissions(plain));
    } finally {
      Files.delete(plain);
    }
  }
}
