package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

  /** Two epochs of two steps on a terminal: the last step ends its line itself, the first epoch's does not. */
  @Test
  void theEpochLineFollowsTheBarWithoutAnEmptyLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ConsoleProgress bar = new ConsoleProgress(out, true, 10);
    bar.onTrainingStart(new RunInfo(List.of("a"), new double[] {1}, 4, 2, 0, Path.of("run")));
    for (int epoch = 0; epoch < 2; epoch++) {
      for (int step = 2 * epoch + 1; step <= 2 * epoch + 2; step++) {
        bar.onStep(new StepInfo(step, 4, epoch, 0.5, Map.of("a", 0.5), 0.5, 1e-4, 1, 1, 8, 80, 10, 1));
      }
      bar.onEpochEnd(new EpochResult(epoch, 2L * epoch + 2, Map.of("a", Map.of("accuracy", 0.75)),
          Map.of("a", 16)));
    }

    // lines as a terminal shows them: a bar redrawn with \r stays one line
    String[] lines = bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n").split("\n", -1);
    assertThat(lines).hasSize(6);   // start, (bar, epoch) twice, and the empty rest after the final newline
    assertThat(lines[0]).startsWith("training 4 steps");
    assertThat(lines[1]).endsWith("2/4 loss 0.5000 λ 0.50 lr 1.00e-04 10.0 ex/s eta 0m01s");
    assertThat(lines[2]).isEqualTo("epoch 1 dev: a accuracy=0.7500;");
    assertThat(lines[3]).endsWith("4/4 loss 0.5000 λ 0.50 lr 1.00e-04 10.0 ex/s eta 0m01s");
    assertThat(lines[4]).isEqualTo("epoch 2 dev: a accuracy=0.7500;");
    assertThat(lines[5]).isEmpty();
  }

  /** A run without dev examples says its epoch is done instead of printing an empty "dev:". */
  @Test
  void anEpochWithoutDevExamplesSaysSo() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleProgress bar = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 10);
    bar.onEpochEnd(new EpochResult(0, 2, Map.of(), Map.of()));
    assertThat(bytes.toString(StandardCharsets.UTF_8).strip()).isEqualTo("epoch 1 done (no dev set)");
  }
}
