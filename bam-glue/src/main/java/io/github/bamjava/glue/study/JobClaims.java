package io.github.bamjava.glue.study;

import io.github.bamjava.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which worker of a launch works on which job: one claim file per job and launch, which its worker keeps locked
 * while it works on the job. The operating system releases the lock when the worker dies, however it dies, so
 * the job of a killed worker is free again for the others of its launch (and for a worker started again with the
 * same run id) instead of being waited on for ever. A job that failed in a launch has a {@code .failed} file
 * beside its claim and is not taken again in that launch.
 */
final class JobClaims {

  /**
   * Claim files this process holds. File locks belong to the process, and closing any channel of a locked file
   * releases its locks: probing a file this process holds would release it.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final String runId;

  JobClaims(Path dir, String runId) throws IOException {
    this.dir = dir;
    this.runId = runId;
    Files.createDirectories(dir);
  }

  /** A job this worker works on; closing it frees the job (done, failed or stopped: its files say which). */
  static final class Claim implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;

    private Claim(Path file, FileChannel channel) {
      this.file = file;
      this.channel = channel;
    }

    @Override
    public void close() throws IOException {
      try {
        channel.close(); // releases the lock
      } finally {
        HELD.remove(file);
      }
    }
  }

  /** Claims the job, or returns null when a live worker of this launch holds it or it failed in this launch. */
  Claim claim(StudyJob job) throws IOException {
    Path file = file(job, runId);
    if (failed(job) || !HELD.add(file)) {
      return null;
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null || failed(job)) {
      // Held by a live worker, or it failed between the check and the lock.
      channel.close();
      HELD.remove(file);
      return null;
    }
    return new Claim(file, channel);
  }

  /** Whether a live worker of this launch works on the job now. */
  boolean taken(StudyJob job) throws IOException {
    Path file = file(job, runId);
    if (HELD.contains(file)) {
      return true;
    }
    if (failed(job) || !Files.exists(file)) {
      return false;
    }
    Claim probe = claim(job);
    if (probe == null) {
      return !failed(job);
    }
    probe.close(); // its worker died: the job is free
    return false;
  }

  boolean failed(StudyJob job) {
    return Files.exists(file(job, runId + ".failed"));
  }

  void markFailed(StudyJob job, String why) throws IOException {
    AtomicFiles.writeString(file(job, runId + ".failed"), why);
  }

  private Path file(StudyJob job, String suffix) {
    return dir.resolve(job.name().replace('/', '_') + "." + suffix);
  }
}
