package io.github.bamjava.examples;

import io.github.bamjava.examples.InputLines.Line;
import io.github.bamjava.predict.PredictionSink;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Inputs;
import io.github.bamjava.task.TaskKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * The rows of {@code bam predict}: hands the model the inputs as it reads them, and writes one output row per
 * input line, in input order, as the model hands their predictions back, flushing after each window.
 *
 * <p>Every input line gets its row, so that output line N answers input line N. A line that is not an input
 * (blank, malformed, an empty side of a pair, invalid UTF-8) stops the prediction with an error naming it, or,
 * as {@link BadLine} says, gets an empty or an {@code ERROR} row in its place. Lines read but not yet written
 * wait in a queue that one window of inputs bounds (runs of bad lines take one entry each).
 */
final class PredictionRows implements Iterator<Example>, PredictionSink {

  /** What a line that is not an input gets. */
  enum BadLine {
    /** The prediction stops with an error naming the line (after writing the rows before it). */
    FAIL,
    /** An empty row. */
    EMPTY,
    /** A row {@code ERROR<TAB>what is wrong}. */
    ERROR
  }

  /** A line that is not an input stopped the prediction ({@link BadLine#FAIL}); the message names it. */
  static final class BadLineException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** What to do about it, said after how far the output got. */
    static final String HINT = "every line is an input, answered on the same output line: fix the line, or"
        + " give --on-bad-line=empty or --on-bad-line=error to write a row in its place and go on";

    BadLineException(String message) {
      super(message);
    }
  }

  /** An input of the other form than the head was trained on: a usage error, whatever {@link BadLine} says. */
  static final class WrongFormException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    WrongFormException(String message) {
      super(message);
    }
  }

  /** The first column of the row of a bad line under {@link BadLine#ERROR}. */
  static final String ERROR_ROW = "ERROR";

  /** A line read and not yet written: a good input's text, or a run of bad lines with the same problem. */
  private sealed interface Pending permits Good, Bad {}

  private record Good(String text) implements Pending {}

  private static final class Bad implements Pending {
    final long first;
    final String problem;
    long count = 1;

    Bad(long first, String problem) {
      this.first = first;
      this.problem = problem;
    }
  }

  private final InputLines lines;
  private final Inputs inputs;
  private final String head;
  private final TaskKind kind;
  private final boolean logits;
  private final BadLine onBadLine;
  private final Writer out;
  private final PrintWriter log;
  private final Duration progressEvery;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private @Nullable Line first;
  private @Nullable Example lookahead;
  private long written;
  private final long start = System.nanoTime();
  private long lastReport = start;
  private boolean reported;

  /**
   * @param first the first line, already read (an empty input was refused before the model was loaded)
   * @param inputs what the task's head was trained on: an input of the other form is refused
   * @param head the head, for that message ("the head of SST-2 in model/")
   * @param logits whether the outputs are the head's raw outputs ({@link PredictCommand#formatLogits}) rather
   *     than probabilities or the clamped value ({@link PredictCommand#format})
   * @param out where the rows go; flushed after each window, and checked for errors
   * @param log where progress lines go (standard error), once a prediction has run {@code progressEvery}
   */
  PredictionRows(Line first, InputLines lines, Inputs inputs, String head, TaskKind kind, boolean logits,
      BadLine onBadLine, Writer out, PrintWriter log, Duration progressEvery) {
    this.first = first;
    this.lines = lines;
    this.inputs = inputs;
    this.head = head;
    this.kind = kind;
    this.logits = logits;
    this.onBadLine = onBadLine;
    this.out = out;
    this.log = log;
    this.progressEvery = progressEvery;
  }

  /** How many rows are written (and flushed): the output answers the first this many lines. */
  long written() {
    return written;
  }

  @Override
  public boolean hasNext() {
    while (lookahead == null) {
      Line line = nextLine();
      if (line == null) {
        return false;
      }
      String problem = line.problem() != null ? line.problem() : PredictCommand.problem(line.text());
      if (problem != null) {
        bad(line, problem);
        continue;
      }
      Example e = PredictCommand.parse(Long.toString(line.number()), line.text(), line.place());
      if (!inputs.accepts(e)) {
        String hint = inputs == Inputs.PAIR
            ? "give each input as 'first<TAB>second' (on the command line also 'first" + PredictCommand.PAIR_SEPARATOR
                + "second')"
            : "give each input as one sentence, without a tab or '" + PredictCommand.PAIR_SEPARATOR.strip() + "'";
        throw new WrongFormException(String.format("%s is %s, but %s was trained on %s: %s", line.place(),
            Inputs.describe(e), head, inputs.description(), hint));
      }
      pending.add(new Good(line.text()));
      lookahead = e;
    }
    return true;
  }

  @Override
  public Example next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Example e = lookahead;
    lookahead = null;
    return e;
  }

  private @Nullable Line nextLine() {
    if (first != null) {
      Line line = first;
      first = null;
      return line;
    }
    try {
      return lines.next();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void bad(Line line, String problem) {
    if (onBadLine == BadLine.FAIL) {
      throw new BadLineException(line.place() + " " + problem);
    }
    if (pending.peekLast() instanceof Bad run && run.problem.equals(problem)
        && run.first + run.count == line.number()) {
      run.count++;
    } else {
      pending.add(new Bad(line.number(), problem));
    }
  }

  @Override
  public void accept(List<Example> examples, float[][] outputs) throws IOException {
    for (float[] output : outputs) {
      writeBadRows();
      Good good = (Good) pending.remove();
      String answer = logits ? PredictCommand.formatLogits(kind, output) : PredictCommand.format(kind, output);
      write(answer + "\t" + good.text().strip() + "\n");
    }
    flush();
    progress();
  }

  /** Writes the rows of the bad lines after the last input, flushes, and reports the end of a long run. */
  void finish() throws IOException {
    writeBadRows();
    flush();
    if (reported) {
      double seconds = (System.nanoTime() - start) / 1e9;
      log.printf(Locale.ROOT, "predict: done, %,d %ss in %.0f s (%.1f %ss/s)%n", written, lines.unit(), seconds,
          written / Math.max(seconds, 1e-9), lines.unit());
      log.flush();
    }
  }

  private void writeBadRows() throws IOException {
    while (pending.peek() instanceof Bad run) {
      pending.remove();
      for (long n = run.first; n < run.first + run.count; n++) {
        write(onBadLine == BadLine.EMPTY ? "\n" : ERROR_ROW + "\t" + lines.place(n) + " " + run.problem + "\n");
      }
    }
  }

  private void write(String row) throws IOException {
    try {
      out.write(row);
    } catch (IOException e) {
      throw writeError(e);
    }
    written++;
  }

  /**
   * Flushes the rows written, and fails when the output did not take them: a full disk or a pipe whose reader
   * has gone. A {@link PrintWriter} does not throw, so its error flag is checked.
   */
  private void flush() throws IOException {
    try {
      out.flush();
    } catch (IOException e) {
      throw writeError(e);
    }
    if (out instanceof PrintWriter p && p.checkError()) {
      throw new IOException("cannot write the predictions: the output reports an error (a full disk, or a pipe"
          + " whose reader has gone?)");
    }
  }

  private static IOException writeError(IOException e) {
    return new IOException("cannot write the predictions: " + e.getMessage(), e);
  }

  private void progress() {
    long now = System.nanoTime();
    if (now - lastReport < progressEvery.toNanos()) {
      return;
    }
    lastReport = now;
    reported = true;
    double seconds = (now - start) / 1e9;
    log.printf(Locale.ROOT, "predict: %,d %ss written (%.1f %ss/s)%n", written, lines.unit(),
        written / Math.max(seconds, 1e-9), lines.unit());
    log.flush();
  }
}
