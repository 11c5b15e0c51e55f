package io.github.bamjava.glue.plot;

import java.io.IOException;
import java.nio.file.Path;

/** A line of a metrics log that is not a record {@link MetricsLogReader} understands; says where it is. */
public final class MetricsLogFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long line;

  MetricsLogFormatException(Path file, long line, String problem, Throwable cause) {
    super(file + ":" + line + ": " + problem, cause);
    this.file = file;
    this.line = line;
  }

  /** The log file. */
  public Path file() {
    return file;
  }

  /** The 1-based line number of the bad line. */
  public long line() {
    return line;
  }
}
