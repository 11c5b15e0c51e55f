package io.github.bamjava.internal.io;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way this library writes and deletes files, so that a reader sees either the old content or the complete
 * new content, never a half-written file, and a crash leaves nothing behind that a rerun would trust.
 *
 * <p>One policy for every write: the bytes go to a temporary file in the target's own directory (same file system,
 * so the rename is atomic), created with {@code CREATE_NEW} so it gets the usual permissions rather than
 * {@code createTempFile}'s 0600; the file is forced to disk, renamed over the target, and the directory is
 * forced so that the rename survives a power cut. On failure the temporary file is deleted; one that a killed
 * process could not delete is deleted by the next write of the same file, or by {@link #deleteLeftovers}.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** The name of a temporary file of {@link #write}: {@code .<target name>.<random hex>.tmp}. */
  private static final Pattern TEMP_FILE = Pattern.compile("\\.(.+)\\.[0-9a-f]{1,16}\\.tmp");
  /** The name of a temporary directory made with a {@code .tmp-} prefix: {@code <name>.tmp-<random hex>}. */
  private static final Pattern TEMP_DIRECTORY = Pattern.compile(".+\\.tmp-[0-9a-f]{1,16}");

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
    String name = absolute.getFileName().toString();
    // A write of this file that was killed (power cut, kill -9, a crash amid fsync) left its temporary copy.
    deleteTemporaryFiles(dir, name::equals);
    Path temp = dir.resolve("." + name + "." + randomSuffix() + ".tmp");
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

  /**
   * Puts {@code fresh}, a directory tree written in full (in a {@link #createTempDirectory} beside {@code target}),
   * in place of {@code target}: a reader sees the old tree or the new one, never a part of either. An existing
   * {@code target} is first renamed aside to {@code <name>.old-<random hex>} (a non-empty directory cannot be
   * renamed over), and deleted once the new tree is in place; the renames are forced to disk. When the second
   * rename fails the old tree is put back. A process killed between the two renames leaves the old tree under its
   * {@code .old-} name and no {@code target}: then it is the only copy, kept until a later install has put a new
   * tree in place (a saved model's next save deletes it then).
   *
   * <p>This is the one way this library installs a directory: saved models, checkpoints, downloaded data.
   */
  public static void installDirectory(Path fresh, Path target) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Path old = null;
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      old = parent.resolve(target.getFileName() + ".old-" + randomSuffix());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      if (old != null) {
        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      }
      throw e;
    }
    syncDirectory(parent);
    if (old != null) {
      deleteRecursively(old);
    }
  }

  /** Deletes a file or a directory tree; nothing happens when it does not exist. */
  public static void deleteRecursively(Path path) throws IOException {
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      // ALLOW_INSECURE: some file systems lack the secure directory stream; the trees deleted are our own output.
      MoreFiles.deleteRecursively(path, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  /**
   * Deletes what interrupted writes left in {@code dir}: the temporary files of {@link #write} (named
   * {@code .<name>.<hex>.tmp}) and the temporary directories of {@link #createTempDirectory} whose prefix ends in
   * {@code .tmp-} (named {@code <name>.tmp-<hex>}). Nothing else is touched, nor anything in subdirectories: not
   * an old tree {@link #installDirectory} moved aside, which may be the only copy.
   *
   * <p>Call it only where no other writer is at work in {@code dir} (a run holding its output folder's lock): a
   * temporary file of a write under way looks the same as one of a write that was killed.
   *
   * @return the names deleted, for a log line
   */
  public static List<String> deleteLeftovers(Path dir) throws IOException {
    List<String> deleted = new ArrayList<>(deleteTemporaryFiles(dir, name -> true));
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
          p -> TEMP_DIRECTORY.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))) {
        for (Path p : entries) {
          deleteRecursively(p);
          deleted.add(p.getFileName().toString());
        }
      }
    }
    return deleted;
  }

  /** Deletes the temporary files in {@code dir} of the targets whose names {@code target} accepts. */
  private static List<String> deleteTemporaryFiles(Path dir, Predicate<String> target) throws IOException {
    List<String> deleted = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return deleted;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> {
      Matcher m = TEMP_FILE.matcher(p.getFileName().toString());
      return m.matches() && target.test(m.group(1));
    })) {
      for (Path p : entries) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(p)) {
          deleted.add(p.getFileName().toString());
        }
      }
    }
    return deleted;
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
