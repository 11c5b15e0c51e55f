package io.github.bamjava.glue.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One training run of a study: a method, a seed and, for per-task methods, the task.
 *
 * @param method the method
 * @param seed the seed of the run (initialisation of the heads, dropout, the order of the examples)
 * @param task the task of a per-task method; null for a multi-task method
 */
public record StudyJob(StudyMethod method, long seed, @Nullable String task) {

  /** The file whose presence marks a finished job; written last, atomically. */
  public static final String DONE = "done.json";

  /** The job's directory: {@code <study>/<method>/seed-<seed>[/<task>]}. */
  public Path dir(Path study) {
    Path dir = study.resolve(method.dirName()).resolve("seed-" + seed);
    return task == null ? dir : dir.resolve(task);
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
