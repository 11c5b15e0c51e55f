package io.github.bamjava.spark;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The output directory of a run on a cluster: a path in a file system that the driver and every executor mount at
 * the same place (a local disk when everything runs on one host, an NFS or other POSIX shared mount across hosts).
 * Units write their models, checkpoints and prediction files there with atomic renames and lock their run
 * directories with file locks, which object stores (S3, GCS) and HDFS do not offer; their URIs are refused.
 */
final class SharedDirectory {

  /** A URI scheme at the start of a path: {@code hdfs:}, {@code s3a:}, {@code file:} (not a Windows drive). */
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

  private SharedDirectory() {}

  /**
   * Checks that {@code dir} is a plain path every executor can open the same way: no URI, and absolute unless the
   * run stays in this JVM ({@code local} masters), where a relative path means the same directory to all.
   *
   * @param localMaster whether the executors run in this JVM
   * @return the absolute directory
   * @throws IllegalArgumentException naming the directory and what to give instead
   */
  public static Path check(Path dir, boolean localMaster) {
    String text = dir.toString();
    checkArgument(!SCHEME.matcher(text).matches(), "output directory %s is a URI, but BAM on Spark writes through"
        + " the file system: give a path that every executor mounts at the same place (a local directory for a"
        + " single host, an NFS or other shared POSIX mount such as /mnt/shared/runs/glue). HDFS, S3 and other"
        + " object stores are not supported: they have no atomic rename or file locks", text);
    checkArgument(localMaster || dir.isAbsolute(), "output directory %s is relative, but executors start in"
        + " directories of their own: give an absolute path on the shared mount, such as %s", text,
        dir.toAbsolutePath());
    return dir.toAbsolutePath().normalize();
  }
}
