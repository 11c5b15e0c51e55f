package io.github.bamjava.glue;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The lines of a GLUE file: ends a line at '\n' only (dropping a '\r' before it) and drops a UTF-8 byte order
 * mark at the start of the file.
 *
 * <p>{@link BufferedReader#readLine()} would also end a line at a lone '\r', which can sit inside a sentence
 * scraped from the web and would split one row into two malformed ones; quotes get no special meaning at all.
 */
final class TsvLines implements Closeable {
  private static final char BOM = '\uFEFF';

  private final Reader reader;
  private final char[] buffer = new char[1 << 16];
  private final StringBuilder line = new StringBuilder(256);
  private int position;
  private int limit;
  private int lineNumber;
  private boolean atEnd;

  TsvLines(Path file) throws IOException {
    this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }

  /** The next line without its terminator, or null at the end of the file. */
  @Nullable String next() throws IOException {
    if (atEnd) {
      return null;
    }
    line.setLength(0);
    while (true) {
      if (position == limit) {
        limit = reader.read(buffer, 0, buffer.length);
        position = 0;
        if (limit <= 0) {
          atEnd = true;
          // A last line without '\n' is a line; an empty tail after the final '\n' is not.
          return line.length() == 0 ? null : finish();
        }
      }
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      line.append(buffer, start, position - start);
      if (position < limit) {
        position++; // the '\n'
        return finish();
      }
    }
  }

  /** The 1-based number of the line last returned by {@link #next()}. */
  int lineNumber() {
    return lineNumber;
  }

  private String finish() {
    lineNumber++;
    int length = line.length();
    if (length > 0 && line.charAt(length - 1) == '\r') {
      line.setLength(length - 1);
    }
    if (lineNumber == 1 && line.length() > 0 && line.charAt(0) == BOM) {
      line.deleteCharAt(0);
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
