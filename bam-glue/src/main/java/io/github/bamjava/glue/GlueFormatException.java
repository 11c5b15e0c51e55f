package io.github.bamjava.glue;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A GLUE file that cannot be read as its task's layout: more or fewer columns than its layout, a label outside the label space, a
 * score that is not a number, a repeated id. The message starts with {@code file:line:} so that an editor or a
 * terminal can jump to the row.
 */
public final class GlueFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Path file;
  private final int line;

  GlueFormatException(Path file, int line, String problem) {
    super(file + ":" + line + ": " + problem);
    this.file = file;
    this.line = line;
  }

  /** The file with the bad row. */
  public Path file() {
    return file;
  }

  /** The 1-based line number of the bad row, counting the header line. */
  public int line() {
    return line;
  }
}
