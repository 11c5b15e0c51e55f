package io.github.bamjava.taskfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A data file's text, decoded as strict UTF-8 (a byte order mark at the start is dropped). Invalid UTF-8 is an
 * error naming the file, the line and the byte: replacing bad bytes with U+FFFD would train on text that is not in
 * the file, and a file saved in another encoding (Latin-1, UTF-16) would train on garbage without a word.
 */
final class Utf8Text {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private Utf8Text() {}

  /**
   * The file's text.
   *
   * @param what what the file is, for the error when it is missing ("the train file of task reviews")
   * @throws TaskFileException naming the file when it is missing, and its line when it is not valid UTF-8
   */
  static String read(Path file, String what) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TaskFileException(file, 0, "no such file (" + what + "; paths are relative to the task file)");
    }
    int start = bytes.length >= 3 && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2] ? 3 : 0;
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length - start); // UTF-8 never has more chars than bytes
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new TaskFileException(file, line, String.format(Locale.ROOT, "not valid UTF-8: byte %d of the line is"
          + " 0x%02X; data files are read as UTF-8 (re-encode a copy saved in another encoding, e.g. with iconv)",
          at - lineStart + 1, bytes[at] & 0xFF));
    }
    return out.flip().toString();
  }
}
