package io.github.bamjava.glue.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogReaderTest {
  @TempDir Path dir;

  private static final String START =
      "{\"type\":\"start\",\"tasks\":[\"A\",\"B\"],\"task_probabilities\":[0.25,0.75],\"total_steps\":4,"
          + "\"steps_per_epoch\":2,\"start_step\":0}";

  private static String step(int step, double loss, String taskLoss) {
    return "{\"type\":\"step\",\"step\":" + step + ",\"epoch\":" + (step - 1) / 2 + ",\"loss\":" + loss
        + ",\"task_loss\":" + taskLoss + ",\"lambda\":" + step / 4.0 + ",\"lr\":1e-5,\"grad_norm\":1.5,"
        + "\"examples\":8,\"tokens\":400,\"examples_per_s\":12.5}";
  }

  private static String epoch(int epoch, double accuracy, int a, int b) {
    return "{\"type\":\"epoch\",\"epoch\":" + epoch + ",\"step\":" + 2 * (epoch + 1) + ",\"dev\":{\"A\":"
        + "{\"accuracy\":" + accuracy + "}},\"task_counts\":{\"A\":" + a + ",\"B\":" + b + "}}";
  }

  private Path log(String... lines) throws IOException {
    return Files.write(dir.resolve("metrics.jsonl"), List.of(lines));
  }

  @Test
  void readsAllRecordTypes() throws IOException {
    RunMetrics run = MetricsLogReader.read(log(START, step(1, 0.9, "{\"A\":0.8,\"B\":1.0}"),
        step(2, 0.7, "{\"B\":0.7}"), epoch(0, 0.6, 5, 11)));

    assertThat(run.tasks()).containsExactly("A", "B");
    assertThat(run.taskProbabilities()).containsEntry("A", 0.25).containsEntry("B", 0.75);
    assertThat(run.totalSteps()).isEqualTo(4);
    assertThat(run.steps()).extracting(RunMetrics.Step::step).containsExactly(1L, 2L);
    RunMetrics.Step first = run.steps().get(0);
    assertThat(first).isEqualTo(new RunMetrics.Step(1, 0, 0.9, first.taskLoss(), 0.25, 1e-5, 1.5, 8, 400, 12.5));
    assertThat(first.taskLoss()).containsExactly(entry("A", 0.8), entry("B", 1.0));
    assertThat(run.steps().get(1).taskLoss()).containsOnlyKeys("B");
    assertThat(run.epochs()).singleElement().satisfies(e -> {
      assertThat(e.step()).isEqualTo(2);
      assertThat(e.dev().get("A")).containsEntry("accuracy", 0.6);
      assertThat(e.taskCounts()).containsEntry("A", 5L).containsEntry("B", 11L);
    });
  }

  @Test
  void repeatedStepsAndEpochsOfAResumedRunKeepTheLastRecord() throws IOException {
    RunMetrics run = MetricsLogReader.read(log(START, step(1, 0.9, "{}"), step(2, 0.8, "{}"),
        epoch(0, 0.5, 1, 1), step(3, 0.7, "{}"),
        // Resumed from the step-2 checkpoint, then ran again: step 3 and epoch 0 are repeated.
        START, epoch(0, 0.55, 2, 2), step(3, 0.65, "{}"), step(4, 0.6, "{}")));

    assertThat(run.steps()).extracting(RunMetrics.Step::step).containsExactly(1L, 2L, 3L, 4L);
    assertThat(run.steps()).extracting(RunMetrics.Step::loss).containsExactly(0.9, 0.8, 0.65, 0.6);
    assertThat(run.epochs()).singleElement().satisfies(e -> assertThat(e.dev().get("A").get("accuracy"))
        .isEqualTo(0.55));
  }

  @Test
  void malformedLineNamesTheFileAndLine() throws IOException {
    Path file = log(START, step(1, 0.9, "{}"), "", "{\"type\":\"step\",\"step\":2,\"epo");

    assertThatThrownBy(() -> MetricsLogReader.read(file))
        .isInstanceOf(MetricsLogFormatException.class)
        .hasMessageStartingWith(file + ":4: ")
        .satisfies(e -> {
          assertThat(((MetricsLogFormatException) e).line()).isEqualTo(4);
          assertThat(((MetricsLogFormatException) e).file()).isEqualTo(file);
        });
  }

  @Test
  void tornLineOfAKilledRunIsSkippedWhenTheResumedRunStartsAfterIt() throws IOException {
    Path file = log(START, step(1, 0.9, "{}"), "{\"type\":\"step\",\"step\":2,\"epo", START, step(2, 0.8, "{}"));
    assertThat(MetricsLogReader.read(file).steps()).hasSize(2);
    Path notResumed = log(START, "{\"type\":\"step\",\"step\":2,\"epo", step(2, 0.8, "{}"));
    assertThatThrownBy(() -> MetricsLogReader.read(notResumed)).hasMessageStartingWith(notResumed + ":2: ");
  }

  @Test
  void theRecordAKilledRunWasWritingIsSkippedBeforeItResumes() throws IOException {
    // Killed mid-record: the file ends without its newline. Reading it to see how far the run got works.
    Path file = Files.writeString(dir.resolve("metrics.jsonl"),
        START + "\n" + step(1, 0.9, "{}") + "\n{\"type\":\"step\",\"step\":2,\"epo");
    assertThat(MetricsLogReader.read(file).steps()).extracting(RunMetrics.Step::step).containsExactly(1L);
  }

  @Test
  void recordsWithMissingOrMistypedFieldsAreMalformed() throws IOException {
    Path missing = log(START, "{\"type\":\"step\",\"step\":1}");
    assertThatThrownBy(() -> MetricsLogReader.read(missing)).hasMessage(missing + ":2: missing field \"epoch\"");

    Path typed = log(step(1, 0.5, "{\"A\":\"low\"}"));
    assertThatThrownBy(() -> MetricsLogReader.read(typed))
        .hasMessageStartingWith(typed + ":1: field \"task_loss.A\" is not a number");

    Path array = log("[1,2]");
    assertThatThrownBy(() -> MetricsLogReader.read(array)).hasMessage(array + ":1: not a JSON object");

    Path trailing = log(START + " {}");
    assertThatThrownBy(() -> MetricsLogReader.read(trailing)).hasMessageStartingWith(trailing + ":1: ");
  }

  @Test
  void nonFiniteValuesAsMetricsLogWritesThemAreRead() throws IOException {
    RunMetrics run = MetricsLogReader.read(log(step(1, Double.NaN, "{\"A\":Infinity,\"B\":-Infinity}")));

    assertThat(run.steps().get(0).loss()).isNaN();
    assertThat(run.steps().get(0).taskLoss().get("A")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(run.steps().get(0).taskLoss().get("B")).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void withoutAStartRecordTasksComeFromTheRecordsAndUnknownTypesAreSkipped() throws IOException {
    RunMetrics run = MetricsLogReader.read(log("{\"type\":\"note\",\"text\":\"hi\"}",
        step(1, 0.9, "{\"B\":0.8}"), epoch(0, 0.6, 5, 11)));

    assertThat(run.tasks()).containsExactly("B", "A");
    assertThat(run.taskProbabilities()).isEmpty();
    assertThat(run.totalSteps()).isZero();
  }

  @Test
  void readsWhatTheTrainersMetricsLogWrites() throws IOException {
    SampleRun sample = new SampleRun(10, 3, 8);
    Path file = dir.resolve("metrics.jsonl");
    sample.write(file, 15);

    RunMetrics run = MetricsLogReader.read(file);

    assertThat(run.tasks()).containsExactlyElementsOf(SampleRun.TASKS);
    assertThat(run.steps()).extracting(RunMetrics.Step::step)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
    assertThat(run.epochs()).extracting(RunMetrics.Epoch::epoch).containsExactly(0, 1, 2);
    assertThat(run.epochs()).allSatisfy(e -> assertThat(e.taskCounts().values().stream()
        .mapToLong(Long::longValue).sum()).isEqualTo(10 * 8));
  }
}
