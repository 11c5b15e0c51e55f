package io.github.bamjava.glue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.task.Example;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SubmissionWriterTest {

  @TempDir Path glueDir;
  @TempDir Path out;

  static Stream<Arguments> everySet() {
    // set, file name, predictions for the fixture's test rows, expected prediction column
    return Stream.of(
        Arguments.of(GlueEvalSet.COLA, "CoLA.tsv", new double[] {1, 0}, List.of("1", "0")),
        Arguments.of(GlueEvalSet.SST2, "SST-2.tsv", new double[] {0, 1}, List.of("0", "1")),
        Arguments.of(GlueEvalSet.MRPC, "MRPC.tsv", new double[] {1, 1}, List.of("1", "1")),
        Arguments.of(GlueEvalSet.STSB, "STS-B.tsv", new double[] {3.14159}, List.of("3.142")),
        Arguments.of(GlueEvalSet.QQP, "QQP.tsv", new double[] {0}, List.of("0")),
        Arguments.of(GlueEvalSet.MNLI_M, "MNLI-m.tsv", new double[] {2}, List.of("contradiction")),
        Arguments.of(GlueEvalSet.MNLI_MM, "MNLI-mm.tsv", new double[] {0, 1}, List.of("entailment", "neutral")),
        Arguments.of(GlueEvalSet.QNLI, "QNLI.tsv", new double[] {0, 1}, List.of("entailment", "not_entailment")),
        Arguments.of(GlueEvalSet.RTE, "RTE.tsv", new double[] {1, 0}, List.of("not_entailment", "entailment")),
        Arguments.of(GlueEvalSet.WNLI, "WNLI.tsv", new double[] {0, 0}, List.of("0", "0")),
        Arguments.of(GlueEvalSet.AX, "AX.tsv", new double[] {2, 0}, List.of("contradiction", "entailment")));
  }

  @ParameterizedTest
  @MethodSource("everySet")
  void writesTheOfficialFormat(GlueEvalSet set, String fileName, double[] predictions, List<String> expected)
      throws IOException {
    GlueFixtures.writeAll(glueDir);
    List<Example> test = GlueReader.of(glueDir).readTest(set);
    Path file = SubmissionWriter.write(out, set, test, predictions);
    assertThat(file).isEqualTo(out.resolve(fileName));
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines.get(0)).isEqualTo("index\tprediction");
    assertThat(lines).hasSize(test.size() + 1);
    for (int i = 0; i < test.size(); i++) {
      assertThat(lines.get(i + 1)).isEqualTo(test.get(i).id() + "\t" + expected.get(i));
    }
    try (Stream<Path> left = Files.list(out)) {
      assertThat(left).containsExactly(file); // no temporary file left behind
    }
  }

  @Test
  void stsbValuesAreClampedAndRoundedToThreeDecimals() {
    assertThat(SubmissionWriter.format(GlueTask.STSB, -0.2)).isEqualTo("0.000");
    assertThat(SubmissionWriter.format(GlueTask.STSB, 5.7)).isEqualTo("5.000");
    assertThat(SubmissionWriter.format(GlueTask.STSB, 2.0005)).isEqualTo("2.001"); // half up
    assertThat(SubmissionWriter.format(GlueTask.STSB, 2.0004)).isEqualTo("2.000");
    assertThat(SubmissionWriter.format(GlueTask.STSB, 4)).isEqualTo("4.000");
  }

  @Test
  void rejectsBadPredictions() throws IOException {
    assertThatThrownBy(() -> SubmissionWriter.format(GlueTask.MNLI, 3))
        .hasMessageContaining("prediction 3.0 is not a label index in [0, 3)");
    assertThatThrownBy(() -> SubmissionWriter.format(GlueTask.COLA, 0.5)).hasMessageContaining("0.5");
    assertThatThrownBy(() -> SubmissionWriter.format(GlueTask.STSB, Double.NaN)).hasMessageContaining("NaN");
    GlueFixtures.writeAll(glueDir);
    List<Example> test = GlueReader.of(glueDir).readTest(GlueEvalSet.RTE);
    assertThatThrownBy(() -> SubmissionWriter.write(out, GlueEvalSet.RTE, test, new double[] {0}))
        .hasMessageContaining("RTE: 2 test examples but 1 predictions");
  }

  @Test
  void replacesAnOlderFile() throws IOException {
    GlueFixtures.writeAll(glueDir);
    List<Example> test = GlueReader.of(glueDir).readTest(GlueEvalSet.WNLI);
    Files.writeString(out.resolve("WNLI.tsv"), "stale");
    SubmissionWriter.write(out, GlueEvalSet.WNLI, test, new double[] {1, 0});
    assertThat(Files.readString(out.resolve("WNLI.tsv"))).isEqualTo("index\tprediction\n0\t1\n1\t0\n");
  }
}
