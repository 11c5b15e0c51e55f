package io.github.bamjava.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines end at '\n' only, a byte order mark is dropped, and a line of bad bytes is named and stepped over. */
class Utf8LinesTest {

  private static Utf8Lines of(byte[] bytes) {
    return new Utf8Lines(new ByteArrayInputStream(bytes));
  }

  private static Utf8Lines of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void linesEndAtNewlineOnlyAndLoseACarriageReturnBeforeIt() throws IOException {
    try (Utf8Lines lines = of("\uFEFFa\rb\r\n\nlast")) {
      assertThat(lines.next()).isEqualTo("a\rb");
      assertThat(lines.lineNumber()).isEqualTo(1);
      assertThat(lines.next()).isEmpty();
      assertThat(lines.next()).isEqualTo("last");
      assertThat(lines.lineNumber()).isEqualTo(3);
      assertThat(lines.next()).isNull();
      assertThat(lines.next()).isNull();
    }
    try (Utf8Lines empty = of("")) {
      assertThat(empty.next()).isNull();
      assertThat(empty.lineNumber()).isZero();
    }
  }

  @Test
  void aLineOfInvalidUtf8IsNamedAndReadingGoesOn() throws IOException {
    try (Utf8Lines lines = of(new byte[] {'o', 'k', '\n', 'a', (byte) 0xff, '\n', 'b', '\n'})) {
      assertThat(lines.next()).isEqualTo("ok");
      assertThatThrownBy(lines::next).isInstanceOfSatisfying(Utf8Lines.InvalidUtf8Exception.class, e -> {
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).isEqualTo("byte 2 of the line is 0xFF");
      }).hasMessage("line 2 is not valid UTF-8: byte 2 of the line is 0xFF");
      assertThat(lines.next()).isEqualTo("b");
      assertThat(lines.lineNumber()).isEqualTo(3);
    }
  }

  @Test
  void longAndShortLinesInAnyOrderComeOutWhole() throws IOException {
    List<String> lines = List.of("ä", "x".repeat(300) + "é", "short", "ü".repeat(1000), "", "€ end");
    try (Utf8Lines reader = of(String.join("\n", lines))) {
      for (String expected : lines) {
        assertThat(reader.next()).isEqualTo(expected);
      }
      assertThat(reader.next()).isNull();
    }
  }

  @Test
  void aLineLongerThanTheBufferIsWhole() throws IOException {
    String longLine = "x".repeat(200_000);
    try (Utf8Lines lines = of(longLine + "\ny")) {
      assertThat(lines.next()).isEqualTo(longLine);
      assertThat(lines.next()).isEqualTo("y");
    }
  }
}
