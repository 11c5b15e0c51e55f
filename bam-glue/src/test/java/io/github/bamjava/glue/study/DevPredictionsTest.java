package io.github.bamjava.glue.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.task.TaskMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevPredictionsTest {

  @TempDir Path tmp;

  @Test
  void roundTripsLabelsAndRegressionValuesExactly() throws IOException {
    DevPredictions p = new DevPredictions(List.of("a", "b", "c"), new double[] {0, 1, 2.2},
        new double[] {0, 2, 4.123456789012345});
    Path file = tmp.resolve("dev/STS-B.tsv");

    p.write(file);
    DevPredictions back = DevPredictions.read(file);

    assertThat(Files.readAllLines(file)).containsExactly("id\tgold\tpredicted", "a\t0\t0", "b\t1\t2",
        "c\t2.2\t4.123456789012345");
    assertThat(back.ids()).isEqualTo(p.ids());
    assertThat(back.gold()).isEqualTo(p.gold());
    assertThat(back.predicted()).isEqualTo(p.predicted());
  }

  @Test
  void countsTheExamplesPredictedOtherwiseAndRefusesOtherExamples() {
    DevPredictions p = new DevPredictions(List.of("a", "b", "c"), new double[] {1, 0, 1}, new double[] {1, 1, 0});
    DevPredictions q = new DevPredictions(List.of("a", "b", "c"), new double[] {1, 0, 1}, new double[] {1, 0, 1});

    assertThat(p.differencesFrom(p)).isZero();
    assertThat(p.differencesFrom(q)).isEqualTo(2);
    assertThatThrownBy(() -> p.differencesFrom(new DevPredictions(List.of("a", "c", "b"), new double[3],
        new double[3]))).hasMessageContaining("other examples");
  }

  @Test
  void scoresAResampleWithRepeats() {
    DevPredictions p = new DevPredictions(List.of("a", "b"), new double[] {1, 0}, new double[] {1, 1});

    assertThat(p.score(TaskMetrics.ACCURACY, new int[] {0, 1})).isEqualTo(0.5);
    assertThat(p.score(TaskMetrics.ACCURACY, new int[] {0, 0, 0, 1})).isEqualTo(0.75);
  }

  @Test
  void aMalformedLineNamesFileAndLine() throws IOException {
    Path file = tmp.resolve("RTE.tsv");
    Files.writeString(file, "id\tgold\tpredicted\na\t1\t0\nb\t1\tx\n");

    assertThatThrownBy(() -> DevPredictions.read(file)).hasMessageContaining("RTE.tsv:3")
        .hasMessageContaining("'x' is not a number");
    Files.writeString(file, "id\tgold\n");
    assertThatThrownBy(() -> DevPredictions.read(file)).hasMessageContaining("expected the header");
  }
}
