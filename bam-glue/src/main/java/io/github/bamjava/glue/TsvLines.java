package io.github.bamjava.glue;

import io.github.bamjava.internal.io.Utf8Lines;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The lines of a GLUE file as {@link Utf8Lines} reads them (strict UTF-8, '\n' ends a line, a byte order mark
 * dropped), with invalid UTF-8 reported as a {@link GlueFormatException} naming the file and line. Quotes get no
 * special meaning at all.
 */
final class TsvLines implements Closeable {
  private final Path file;
  private final Utf8Lines lines;

  TsvLines(Path file) throws IOException {
    this.file = file;
    this.lines = new Utf8Lines(Files.newInputStream(file));
  }

  /**
   * The next line without its terminator, or null at the end of the file.
   *
   * @throws GlueFormatException naming the file and line when the line is not valid UTF-8
   */
  @Nullable String next() throws IOException {
    try {
      return lines.next();
    } catch (Utf8Lines.InvalidUtf8Exception e) {
      throw new GlueFormatException(file, e.line(), "not valid UTF-8: " + e.problem() + "; GLUE files are UTF-8"
          + " (re-encode a copy saved in another encoding, e.g. with iconv)");
    }
  }

  /** The 1-based number of the line last returned by {@link #next()}; 0 before the first. */
  int lineNumber() {
    return lines.lineNumber();
  }

  @Override
  public void close() throws IOException {
    lines.close();
  }
}
