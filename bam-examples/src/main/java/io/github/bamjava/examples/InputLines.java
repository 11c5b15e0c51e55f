package io.github.bamjava.examples;

import io.github.bamjava.internal.io.Utf8Lines;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The inputs of {@code bam predict}, one at a time: the lines of a file or of standard input (strict UTF-8, read
 * as they come, never all at once), or the sentences given on the command line.
 */
abstract class InputLines implements Closeable {

  /**
   * One input as read, and where it came from as messages name it ("line 5 of in.tsv", "sentence 2").
   *
   * @param text the text, or null when the line could not be read as text
   * @param problem why the line is not text (invalid UTF-8), or null
   */
  record Line(long number, @Nullable String text, String place, @Nullable String problem) {}

  /** The next input, or null after the last. */
  abstract @Nullable Line next() throws IOException;

  /** What the inputs are, for messages: "in.tsv", "standard input", "the command line". */
  abstract String source();

  /** What one input is called in messages: "line" or "sentence". */
  abstract String unit();

  /** Where input {@code number} (1-based) came from, as messages name it. */
  abstract String place(long number);

  /** The lines of {@code file}, or of standard input for "-". */
  static InputLines of(Path file) throws IOException {
    boolean stdin = file.toString().equals("-");
    return new FromStream(stdin ? System.in : Files.newInputStream(file), stdin ? "standard input"
        : file.toString());
  }

  /** The sentences given as arguments. */
  static InputLines of(List<String> sentences) {
    return new FromArguments(sentences);
  }

  private static final class FromStream extends InputLines {
    private final Utf8Lines lines;
    private final String source;

    FromStream(InputStream in, String source) {
      this.lines = new Utf8Lines(in);
      this.source = source;
    }

    @Override
    @Nullable Line next() throws IOException {
      try {
        String text = lines.next();
        return text == null ? null : new Line(lines.lineNumber(), text, place(lines.lineNumber()), null);
      } catch (Utf8Lines.InvalidUtf8Exception e) {
        return new Line(e.line(), null, place(e.line()), "is not valid UTF-8 (" + e.problem() + ")");
      }
    }

    @Override
    String place(long number) {
      return "line " + number + " of " + source;
    }

    @Override
    String source() {
      return source;
    }

    @Override
    String unit() {
      return "line";
    }

    @Override
    public void close() throws IOException {
      // Standard input is the process's, not this reader's: closing it would end a caller's later reads.
      if (!source.equals("standard input")) {
        lines.close();
      }
    }
  }

  private static final class FromArguments extends InputLines {
    private final List<String> sentences;
    private int next;

    FromArguments(List<String> sentences) {
      this.sentences = sentences;
    }

    @Override
    @Nullable Line next() {
      if (next == sentences.size()) {
        return null;
      }
      next++;
      return new Line(next, sentences.get(next - 1), place(next), null);
    }

    @Override
    String place(long number) {
      return "sentence " + number;
    }

    @Override
    String source() {
      return "the command line";
    }

    @Override
    String unit() {
      return "sentence";
    }

    @Override
    public void close() {}
  }
}
