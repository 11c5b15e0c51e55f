package io.github.bamjava.export;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * What exporting one task gave: the folder written, or why its head has no HuggingFace class.
 *
 * @param task the task
 * @param folder the folder written, or null when the task was refused
 * @param refusal why the task was not written, or null when it was
 */
public record TaskExport(String task, @Nullable Path folder, @Nullable String refusal) {

  /** Checks that the export has either a folder or a refusal, not both. */
  public TaskExport {
    requireNonNull(task, "task");
    if ((folder == null) == (refusal == null)) {
      throw new IllegalArgumentException("a task export has either a folder or a refusal: " + folder + ", "
          + refusal);
    }
  }

  /** Whether the task was written. */
  public boolean written() {
    return folder != null;
  }
}
