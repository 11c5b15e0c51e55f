package io.github.bamjava.glue;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The lines of a GLUE file, decoded as strict UTF-8: ends a line at '\n' only (dropping a '\r' before it) and
 * drops a UTF-8 byte order mark at the start of the file.
 *
 * <p>{@link java.io.BufferedReader#readLine()} would also end a line at a lone '\r', which can sit inside a
 * sentence scraped from the web and would split one row into two malformed ones; quotes get no special meaning
 * at all.
 *
 * <p>Lines are split on the raw bytes and each line is decoded on its own, so that invalid UTF-8 is reported
 * with the file and the line it is on (a '\n' byte never occurs inside a multi-byte UTF-8 sequence, so the split
 * is exact). Replacing bad bytes with U+FFFD instead would train on text that is not in the file.
 */
final class TsvLines implements Closeable {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final Path file;
  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] buffer = new byte[1 << 16];
  private byte[] line = new byte[256];
  private int length;
  private int position;
  private int limit;
  private int lineNumber;
  private boolean atEnd;

  TsvLines(Path file) throws IOException {
    this.file = file;
    this.in = Files.newInputStream(file);
  }

  /**
   * The next line without its terminator, or null at the end of the file.
   *
   * @throws GlueFormatException naming the file and line when the line is not valid UTF-8
   */
  @Nullable String next() throws IOException {
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
          // A last line without '\n' is a line; an empty tail after the final '\n' is not.
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

  /** The 1-based number of the line last returned by {@link #next()}; 0 before the first. */
  int lineNumber() {
    return lineNumber;
  }

  private void append(int from, int count) {
    if (length + count > line.length) {
      line = Arrays.copyOf(line, Math.max(2 * line.length, length + count));
    }
    System.arraycopy(buffer, from, line, length, count);
    length += count;
  }

  private String finish() throws GlueFormatException {
    lineNumber++;
    int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
    int start = lineNumber == 1 && end >= BOM.length && Arrays.equals(line, 0, BOM.length, BOM, 0, BOM.length)
        ? BOM.length : 0;
    ByteBuffer bytes = ByteBuffer.wrap(line, start, end - start);
    CharBuffer chars = CharBuffer.allocate(end - start); // UTF-8 never has more chars than bytes
    decoder.reset();
    CoderResult result = decoder.decode(bytes, chars, true);
    if (!result.isError()) {
      result = decoder.flush(chars);
    }
    if (result.isError()) {
      int at = bytes.position();
      throw new GlueFormatException(file, lineNumber, String.format(Locale.ROOT,
          "not valid UTF-8: byte %d of the line is 0x%02X; GLUE files are UTF-8 (re-encode a copy saved in"
              + " another encoding, e.g. with iconv)", at + 1, line[at] & 0xFF));
    }
    return chars.flip().toString();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
