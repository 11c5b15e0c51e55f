package io.github.bamjava.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.runtime.GracefulStop;
import io.github.bamjava.train.BornAgainTrainer;
import io.github.bamjava.train.SyntheticTasks;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bam predict} on inputs of any shape: one output line per input line, bad lines named (or given a row),
 * write errors and stops reported with how far the output got, progress on standard error.
 */
class PredictCommandTest {

  @TempDir static Path models;
  @TempDir Path tmp;
  private static Path model;

  @BeforeAll
  static void trainTinyModel() throws IOException {
    model = BornAgainTrainer.builder()
        .setEncoder(SyntheticTasks.tinyEncoder(3))
        .addTask(SyntheticTasks.sentiment(32, 8, 1))
        .addTask(SyntheticTasks.answer(32, 8, 2))
        .setOutputDir(models.resolve("run"))
        .optEpochs(1)
        .optBatchSize(16)
        .optMaxLength(32) // the tiny encoder has 64 positions
        .build()
        .train()
        .modelDir();
  }

  @AfterEach
  void clearStop() {
    GracefulStop.clear();
  }

  private record Run(int exitCode, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private static Run predict(Writer out, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = BamCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("predict", "--model", model.toString()));
    all.addAll(List.of(args));
    int code = BamCli.run(cli, all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private static Run predict(String... args) {
    return predict(new StringWriter(), args);
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text);
  }

  @Test
  void aBlankLineIsAnErrorNamingItAfterTheRowsBeforeIt() throws IOException {
    Path in = file("in.txt", "great wad\nsad wae\n  \ngood waf\n");

    Run r = predict("--task", "sentiment", "--input", in.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.lines()).hasSize(2);
    assertThat(r.err()).contains("line 3 of " + in + " is blank; the output has the rows of the 2 lines before"
        + " it; every line is an input").contains("--on-bad-line=empty");
  }

  @Test
  void withAnOptionABadLineGetsAnEmptyOrAnErrorRowAndOutputLinesMatchInputLines() throws IOException {
    // Line 4 is malformed after two blank lines: the row numbers are the file's line numbers.
    Path in = file("in.tsv", "good wad\tgreat wae\n\n  \nsad wae\tgood waf\tbad wag\n ||| x\nfine wah\t\n"
        + "nice wai\tyes waj\n\n");

    Run empty = predict("--task", "answer", "--input", in.toString(), "--on-bad-line", "empty");
    assertThat(empty.exitCode()).as(empty.err()).isZero();
    List<String> rows = empty.lines();
    assertThat(rows).hasSize(8);
    assertThat(rows.get(0)).matches("(entailment|not_entailment)\t[01]\\.\\d{4}\tgood wad\tgreat wae");
    assertThat(rows.subList(1, 6)).containsOnly("");
    assertThat(rows.get(6)).endsWith("\tnice wai\tyes waj");
    assertThat(rows.get(7)).isEmpty();

    Run error = predict("--task", "answer", "--input", in.toString(), "--on-bad-line", "error");
    assertThat(error.exitCode()).as(error.err()).isZero();
    assertThat(error.lines()).hasSize(8);
    assertThat(error.lines().subList(1, 6)).containsExactly(
        "ERROR\tline 2 of " + in + " is blank",
        "ERROR\tline 3 of " + in + " is blank",
        "ERROR\tline 4 of " + in + " has more than one <TAB>: an input is a sentence or a pair 'first<TAB>second'",
        "ERROR\tline 5 of " + in + " has an empty first sentence: a pair needs text on both sides of |||",
        "ERROR\tline 6 of " + in + " has an empty second sentence: a pair needs text on both sides of <TAB>");
    assertThat(error.lines().get(7)).isEqualTo("ERROR\tline 8 of " + in + " is blank");
  }

  @Test
  void anEmptySideOfAPairOnTheCommandLineIsAnError() {
    Run r = predict("--task", "answer", "good wad ||| yes wae", " ||| ");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.lines()).hasSize(1);
    assertThat(r.err()).contains("sentence 2 has an empty first sentence: a pair needs text on both sides of |||;"
        + " the output has the row of the sentence before it");
  }

  @Test
  void anEmptyInputSaysSoAndFails() throws IOException {
    Path in = file("empty.txt", "");
    Run r = predict("--task", "sentiment", "--input", in.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains(in + " is empty: there are no lines to predict");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aWriteErrorFailsWithAMessage() throws IOException {
    Writer full = new Writer() {
      @Override
      public void write(char[] buf, int off, int len) throws IOException {
        throw new IOException("No space left on device");
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Run r = predict(full, "--task", "sentiment", "good wad", "bad wae");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("bam predict: cannot write the predictions");
  }

  @Test
  void aLongInputReportsProgressAndAStopKeepsWhatWasWrittenAndSaysHowFar() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 2500; i++) {
      text.append(i % 2 == 0 ? "good wad\n" : "bad wae wab\n");
    }
    Path in = file("long.txt", text.toString());

    Run all = predict("--task", "sentiment", "--input", in.toString(), "--progress-seconds", "0");
    assertThat(all.exitCode()).as(all.err()).isZero();
    assertThat(all.lines()).hasSize(2500);
    assertThat(all.err()).contains("predict: 1,024 lines written", "predict: 2,048 lines written",
        "predict: done, 2,500 lines in");

    // A stop requested once the first window is written, as Ctrl-C then would.
    StringWriter kept = new StringWriter();
    Writer stopAfterFirstFlush = new Writer() {
      @Override
      public void write(char[] buf, int off, int len) {
        kept.write(buf, off, len);
      }

      @Override
      public void flush() {
        GracefulStop.requestShutdown();
      }

      @Override
      public void close() {}
    };
    Run stopped = predict(stopAfterFirstFlush, "--task", "sentiment", "--input", in.toString());
    assertThat(stopped.exitCode()).isEqualTo(1);
    assertThat(kept.toString().lines()).hasSize(1024);
    assertThat(kept.toString().lines().toList()).isEqualTo(all.lines().subList(0, 1024));
    assertThat(stopped.err()).contains("stopped on request: the output has the rows of the first 1,024 lines of "
        + in + ", line 1025 onwards was not predicted").doesNotContain("checkpoint");
  }
}
