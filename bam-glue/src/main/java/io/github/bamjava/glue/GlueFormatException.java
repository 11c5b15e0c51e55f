package io.github.bamjava.glue;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A GLUE file that cannot be read as its task's layout: a row with more or fewer columns than its layout, a label
 * outside the label space, a score that is not a number, a repeated id, bytes that are not UTF-8, or a file with
 * no examples at all. The message starts with {@code file:line:} (or {@code file:} when the problem is the
 * whole file) so that an editor or a terminal can jump to the row.
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

  /** A problem of the whole file rather than of one row, such as having no examples. */
  GlueFormatException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
    this.line = 0;
  }

  /** The file with the bad row. */
  public Path file() {
    return file;
  }

  /** The 1-based line number of the bad row, counting the header line; 0 when the whole file is at fault. */
  public int line() {
    return line;
  }
}
