package io.github.bamjava.glue.study;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * One training run of a study: a method, a seed and, for per-task methods, the task.
 *
 * @param method the method
 * @param seed the seed of the run (initialisation of the heads, dropout, the order of the examples)
 * @param task the task of a per-task method; null for a multi-task method
 */
public record StudyJob(StudyMethod method, long seed, @Nullable String task) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The file whose presence marks a finished job; written last, atomically. */
  public static final String DONE = "done.json";

  /** How a seed's directory is named: {@code seed-<seed>}. */
  private static final String SEED_PREFIX = "seed-";

  /** The job's directory: {@code <study>/<method>/seed-<seed>[/<task>]}. */
  public Path dir(Path study) {
    Path dir = study.resolve(method.dirName()).resolve(SEED_PREFIX + seed);
    return task == null ? dir : dir.resolve(task);
  }

  /**
   * The seed of an entry of a method's directory when it is a seed's directory, named as {@link #dir} names it;
   * empty for anything else. A user's backup copy ({@code seed-1.bak}), a note or {@code seed-01} is none of the
   * study's and must not break its report.
   */
  static OptionalLong seedOf(Path entry) {
    String name = entry.getFileName().toString();
    if (!name.startsWith(SEED_PREFIX) || !Files.isDirectory(entry)) {
      return OptionalLong.empty();
    }
    long seed;
    try {
      seed = Long.parseLong(name.substring(SEED_PREFIX.length()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
    // parseLong also takes "01" and "+1", which dir never writes.
    return name.equals(SEED_PREFIX + seed) ? OptionalLong.of(seed) : OptionalLong.empty();
  }

  /** A short name for logs, e.g. {@code bam/seed-1} or {@code single/seed-1/RTE}. */
  public String name() {
    return method.dirName() + "/seed-" + seed + (task == null ? "" : "/" + task);
  }

  /** The jobs whose results this one needs: the teachers' runs or the run it starts from. */
  public List<StudyJob> dependencies(List<String> tasks) {
    List<StudyJob> deps = new ArrayList<>();
    StudyMethod from = method.teacher() != null ? method.teacher() : method.startsFrom();
    if (from == null) {
      return deps;
    }
    if (from.multiTask()) {
      deps.add(new StudyJob(from, seed, null));
    } else if (task != null) {
      deps.add(new StudyJob(from, seed, task));
    } else {
      tasks.forEach(t -> deps.add(new StudyJob(from, seed, t)));
    }
    return deps;
  }

  @Override
  public String toString() {
    return name();
  }
}
