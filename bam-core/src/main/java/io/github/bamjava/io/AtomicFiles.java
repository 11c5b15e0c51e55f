package io.github.bamjava.io;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one way this library writes and deletes files, so that a reader sees either the old content or the complete
 * new content, never a half-written file, and a crash leaves nothing behind that a rerun would trust.
 *
 * <p>One policy for every write: the bytes go to a temporary file in the target's own directory (same file system,
 * so the rename is atomic), created with {@code CREATE_NEW} so it gets the usual permissions rather than
 * {@code createTempFile}'s 0600; the file is forced to disk, renamed over the target, and the directory is
 * forced so that the rename survives a power cut. On failure the temporary file is deleted.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the bytes of a file. */
  @FunctionalInterface
  public interface Body {
    void writeTo(FileChannel channel) throws IOException;
  }

  /** Writes {@code text} as UTF-8 to {@code target}, atomically; creates missing parent directories. */
  public static void writeString(Path target, CharSequence text) throws IOException {
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    write(target, channel -> {
      OutputStream out = Channels.newOutputStream(channel);
      out.write(bytes);
      out.flush();
    });
  }

  /** Writes {@code target} atomically through {@code body}; creates missing parent directories. */
  public static void write(Path target, Body body) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    checkArgument(dir != null, "cannot write to %s: it has no parent directory", target);
    Files.createDirectories(dir);
    Path temp = dir.resolve("." + absolute.getFileName() + "." + randomSuffix() + ".tmp");
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        body.writeTo(channel);
        channel.force(true);
      }
      move(temp, absolute);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * Creates a new, empty directory in {@code parent} named {@code prefix} and a random suffix, for a directory
   * tree written in full and then renamed into place with {@link #move}. Unlike {@code createTempDirectory},
   * whose 0700 would go with the directory into place and hide it from other users, it gets the permissions of
   * an ordinary {@code createDirectory} (the umask's).
   */
  public static Path createTempDirectory(Path parent, String prefix) throws IOException {
    while (true) {
      try {
        return Files.createDirectory(parent.resolve(prefix + randomSuffix()));
      } catch (FileAlreadyExistsException e) {
        // Another writer's, against odds of 2^-64: draw again.
      }
    }
  }

  /**
   * Renames {@code source} to {@code target} atomically, replacing a {@code target} file (not a non-empty
   * directory), and forces the directory so that the rename is durable.
   */
  public static void move(Path source, Path target) throws IOException {
    // On POSIX file systems an atomic rename replaces an existing target (rename(2)).
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(target.toAbsolutePath().getParent());
  }

  /** Deletes a file or a directory tree; nothing happens when it does not exist. */
  public static void deleteRecursively(Path path) throws IOException {
    if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      // ALLOW_INSECURE: some file systems lack the secure directory stream; the trees deleted are our own output.
      MoreFiles.deleteRecursively(path, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  private static String randomSuffix() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  /** Forces a directory's entries to disk where the platform allows it (Linux does, Windows does not). */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every platform can open a directory; the rename itself is still atomic there.
    }
  }
}
