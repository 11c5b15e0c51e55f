package io.github.bamjava.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.task.Task;
import io.github.bamjava.train.SyntheticTasks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bam export} and {@code bam predict --logits} on a tiny saved model. */
class ExportCommandTest {

  @TempDir static Path shared;
  @TempDir Path tmp;

  /** Two tasks with the default heads: sentiment maps onto BertForSequenceClassification, stars (sigmoid) not. */
  private static Path model;

  private record Run(int exitCode, String out, String err) {}

  private static Run bam(String... args) {
    CommandLine cli = BamCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = BamCli.run(cli, args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void trainATinyModel() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(32, 8, 1), SyntheticTasks.stars(32, 8, 2));
    model = SyntheticTasks.tinyTrainer(shared.resolve("run"), tasks).optEpochs(1).build().train().modelDir();
  }

  @Test
  void exportWritesTheTasksThatMapAndGivesTheReasonForTheOthers() {
    Run r = bam("export", "--model", model.toString(), "-o", tmp.resolve("hf").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("sentiment: written to " + tmp.resolve("hf/sentiment")
        + " (BertForSequenceClassification)");
    assertThat(r.out()).contains("stars: not exported: its regression head ends in a sigmoid");
    assertThat(tmp.resolve("hf/sentiment/config.json")).exists();
    assertThat(tmp.resolve("hf/sentiment/model.safetensors")).exists();
    assertThat(tmp.resolve("hf/stars")).doesNotExist();

    Run named = bam("export", "--model", model.toString(), "-o", tmp.resolve("named").toString(), "--task", "stars");
    assertThat(named.exitCode()).isEqualTo(1);
    assertThat(named.err()).contains("no task of " + model + " has a head that maps");

    Run again = bam("export", "--model", model.toString(), "-o", tmp.resolve("hf").toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains(tmp.resolve("hf/sentiment") + " exists already");
    assertThat(bam("--help").out()).contains("export");
  }

  @Test
  void predictLogitsPrintsTheRawOutputsWhoseSoftmaxIsTheProbability() {
    Run probabilities = bam("predict", "--model", model.toString(), "--task", "sentiment", "good waa", "bad wab");
    Run logits = bam("predict", "--model", model.toString(), "--task", "sentiment", "--logits", "good waa",
        "bad wab");
    assertThat(logits.exitCode()).as(logits.err()).isZero();
    List<String> p = probabilities.out().lines().toList();
    List<String> l = logits.out().lines().toList();
    assertThat(l).hasSize(2);
    for (int i = 0; i < 2; i++) {
      String[] fields = l.get(i).split("\t");
      assertThat(fields).hasSize(3);
      double a = Float.parseFloat(fields[0]);
      double b = Float.parseFloat(fields[1]);
      double p1 = 1 / (1 + Math.exp(a - b));
      String[] shown = p.get(i).split("\t");
      double best = shown[0].equals("1") ? p1 : 1 - p1;
      assertThat(best).isCloseTo(Double.parseDouble(shown[1]), org.assertj.core.data.Offset.offset(5e-5));
    }
    Run score = bam("predict", "--model", model.toString(), "--task", "stars", "--logits", "waa star star");
    assertThat(score.exitCode()).as(score.err()).isZero();
    assertThat(score.out()).matches("-?\\d+\\.\\d+(E-?\\d+)?\twaa star star\\R");
  }
}
