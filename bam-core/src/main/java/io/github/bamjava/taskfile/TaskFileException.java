package io.github.bamjava.taskfile;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A task file, or a data file it names, that cannot be used: the message starts with the file and, where there is
 * one, the line ({@code data/train.csv:12: }), then names the field and says what is wrong with its value. Thrown
 * while the task set is read, before anything trains.
 */
public final class TaskFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;

  /**
   * An error about {@code file}, at {@code line} when there is one.
   *
   * @param file the file at fault
   * @param line its 1-based line, or 0 when the fault is not on one line (an empty split, a missing file)
   * @param message what is wrong, naming the field and the value
   */
  public TaskFileException(Path file, int line, String message) {
    super(file + (line > 0 ? ":" + line : "") + ": " + message);
    this.file = file;
    this.line = line;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }

  /** The 1-based line at fault, or 0 when the fault is not on one line. */
  public int line() {
    return line;
  }
}
