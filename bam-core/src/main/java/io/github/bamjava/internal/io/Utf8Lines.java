package io.github.bamjava.internal.io;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The lines of a UTF-8 text, read one at a time (memory is one line and a 64 KiB buffer, whatever the text's
 * size): a line ends at '\n' only (a '\r' before it is dropped), and a UTF-8 byte order mark at the start is
 * dropped.
 *
 * <p>Why not {@link java.io.BufferedReader#readLine()}: it also ends a line at a lone '\r', which can sit inside
 * a sentence scraped from the web and would split one row into two, and its decoder replaces invalid bytes with
 * U+FFFD, which would train on or predict text that is not in the file. Here each line is split on the raw bytes
 * and decoded on its own, so that invalid UTF-8 is reported with the line it is on (a '\n' byte never occurs
 * inside a multi-byte UTF-8 sequence, so the split is exact), and reading goes on with the next line.
 */
public final class Utf8Lines implements Closeable {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] buffer = new byte[1 << 16];
  private byte[] line = new byte[256];
  /** Reused for every line: a fresh buffer per line was a third of what reading GLUE's files put on the heap. */
  private CharBuffer chars = CharBuffer.allocate(256);
  private int length;
  private int position;
  private int limit;
  private int lineNumber;
  private boolean atEnd;

  /** Lines of {@code in}, which this reader closes. */
  public Utf8Lines(InputStream in) {
    this.in = requireNonNull(in, "in");
  }

  /** A line that is not valid UTF-8; the reader goes on with the next line. */
  public static final class InvalidUtf8Exception extends IOException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int offset;
    private final int value;

    InvalidUtf8Exception(int line, int offset, int value) {
      super(String.format(Locale.ROOT, "line %d is not valid UTF-8: byte %d of the line is 0x%02X", line,
          offset, value));
      this.line = line;
      this.offset = offset;
      this.value = value;
    }

    /** The 1-based number of the line. */
    public int line() {
      return line;
    }

    /** What is wrong, without the line number: "byte 2 of the line is 0xFF". */
    public String problem() {
      return String.format(Locale.ROOT, "byte %d of the line is 0x%02X", offset, value);
    }
  }

  /**
   * The next line without its terminator, or null at the end of the text. A last line without '\n' is a line;
   * the empty tail after a final '\n' is not.
   *
   * @throws InvalidUtf8Exception when the line is not valid UTF-8 (the next call reads the line after it)
   */
  public @Nullable String next() throws IOException {
    if (atEnd) {
      return null;
    }
    length = 0;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer, 0, buffer.length);
        position = 0;
        if (limit <= 0) {
          atEnd = true;
          return length == 0 ? null : finish();
        }
      }
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      append(start, position - start);
      if (position < limit) {
        position++; // the '\n'
        return finish();
      }
    }
  }

  /** The 1-based number of the line last returned (or refused) by {@link #next()}; 0 before the first. */
  public int lineNumber() {
    return lineNumber;
  }

  private void append(int from, int count) {
    if (length + count > line.length) {
      line = Arrays.copyOf(line, Math.max(2 * line.length, length + count));
    }
    System.arraycopy(buffer, from, line, length, count);
    length += count;
  }

  private String finish() throws InvalidUtf8Exception {
    lineNumber++;
    int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
    int start = lineNumber == 1 && end >= BOM.length && Arrays.equals(line, 0, BOM.length, BOM, 0, BOM.length)
        ? BOM.length : 0;
    ByteBuffer bytes = ByteBuffer.wrap(line, start, end - start);
    if (chars.capacity() < end - start) { // UTF-8 never has more chars than bytes
      chars = CharBuffer.allocate(Math.max(2 * chars.capacity(), end - start));
    }
    chars.clear();
    decoder.reset();
    CoderResult result = decoder.decode(bytes, chars, true);
    if (!result.isError()) {
      result = decoder.flush(chars);
    }
    if (result.isError()) {
      int at = bytes.position();
      throw new InvalidUtf8Exception(lineNumber, at + 1, line[at] & 0xFF);
    }
    return chars.flip().toString();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
