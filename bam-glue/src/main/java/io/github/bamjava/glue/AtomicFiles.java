package io.github.bamjava.glue;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a reader sees the old content or the complete new content, never a half-written file:
 * the bytes go to a temporary file in the target's directory (same file system, so the rename is atomic) that
 * is then renamed over the target.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code text} as UTF-8 to {@code target}, atomically; creates missing parent directories. */
  public static void writeString(Path target, CharSequence text) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.append(text);
      }
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Renames {@code source} to {@code target} atomically, replacing {@code target} if it exists. */
  public static void move(Path source, Path target) throws IOException {
    // On POSIX file systems an atomic rename replaces an existing target (rename(2)).
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
