package io.github.bamjava.task;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One example of a task: a sentence or a sentence pair and its gold label as written in the data file.
 *
 * <p>The label stays a string ("entailment", "1", "3.800") so that readers need not know the task's label space;
 * {@link Task} checks it and turns it into a training target. Unlabelled examples (test sets) have a null label.
 *
 * @param id a stable identifier, unique within its split (a row index or the file's own id)
 * @param textA the first (or only) sentence
 * @param textB the second sentence of a pair, or null for single-sentence tasks
 * @param label the gold label as written in the data, or null when unlabelled
 */
public record Example(String id, String textA, @Nullable String textB, @Nullable String label) {

  /** Checks that the id is set and not empty and that the first text is set. */
  public Example {
    requireNonNull(id, "id");
    requireNonNull(textA, "textA");
    checkArgument(!id.isEmpty(), "example id must not be empty");
  }

  /** A single-sentence example. */
  public static Example of(String id, String text, @Nullable String label) {
    return new Example(id, text, null, label);
  }

  /** A sentence-pair example. */
  public static Example pair(String id, String textA, String textB, @Nullable String label) {
    return new Example(id, textA, textB, label);
  }

  /** Whether this example has a second sentence. */
  public boolean isPair() {
    return textB != null;
  }

  /** Whether this example carries a gold label. */
  public boolean isLabelled() {
    return label != null;
  }
}
