package io.github.bamjava.glue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.pipeline.DevScores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlueScoreTest {

  private static final double EPS = 1e-12;

  private static GlueScore sample() {
    return GlueScore.builder()
        // MRPC: gold 1 1 0 0 / pred 1 0 0 1 -> TP 1, FP 1, FN 1: F1 = 2/4 = 0.5; accuracy 2/4 = 0.5
        .evaluate(GlueEvalSet.MRPC, new double[] {1, 1, 0, 0}, new double[] {1, 0, 0, 1})
        // STS-B: pred = 2 * gold exactly -> Pearson 1 and Spearman 1
        .evaluate(GlueEvalSet.STSB, new double[] {1, 2, 3}, new double[] {2, 4, 6})
        .add(GlueEvalSet.MNLI_M, Map.of("accuracy", 0.8))
        .add(GlueEvalSet.MNLI_MM, Map.of("accuracy", 0.7))
        .build();
  }

  @Test
  void taskScoreIsTheMeanOfItsMetricsAndMnliCountsOnce() {
    GlueScore score = sample();
    assertThat(score.rows()).extracting(DevScores.Row::name).containsExactly("MRPC", "STS-B", "MNLI-m", "MNLI-mm");
    assertThat(score.rows().get(0).metrics()).containsExactly(Map.entry("f1", 0.5), Map.entry("accuracy", 0.5));
    // tasks: MRPC (0.5 + 0.5) / 2 = 0.5; STS-B (1 + 1) / 2 = 1; MNLI (0.8 + 0.7) / 2 = 0.75
    assertThat(score.taskScores()).containsOnlyKeys("MRPC", "STS-B", "MNLI");
    assertThat(score.taskScores().get("MNLI")).isCloseTo(0.75, within(EPS));
    // GLUE: (0.5 + 1 + 0.75) / 3 = 0.75
    assertThat(score.glueScore()).isCloseTo(0.75, within(EPS));
  }

  @Test
  void markdownTable() {
    assertThat(sample().toMarkdown()).isEqualTo(String.join("\n",
        "| Task | Metrics | Score |",
        "|---|---|---:|",
        "| MRPC | f1 50.0 / accuracy 50.0 | 50.0 |",
        "| STS-B | pearson 100.0 / spearman 100.0 | 100.0 |",
        "| MNLI-m | accuracy 80.0 | 80.0 |",
        "| MNLI-mm | accuracy 70.0 | 70.0 |",
        "| **GLUE score** | mean of 3 tasks | **75.0** |",
        ""));
  }

  @Test
  void jsonKeepsFractions(@TempDir Path dir) throws IOException {
    GlueScore score = sample();
    Path file = dir.resolve("results/results.json");
    score.writeJson(file);
    score.writeMarkdown(dir.resolve("results/results.md"));
    JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    assertThat(json.get("glueScore").getAsDouble()).isCloseTo(0.75, within(EPS));
    JsonObject mnliMm = json.getAsJsonArray("rows").get(3).getAsJsonObject();
    assertThat(mnliMm.get("name").getAsString()).isEqualTo("MNLI-mm");
    assertThat(mnliMm.get("task").getAsString()).isEqualTo("MNLI");
    assertThat(mnliMm.getAsJsonObject("metrics").get("accuracy").getAsDouble()).isEqualTo(0.7);
    assertThat(json.getAsJsonObject("taskScores").get("STS-B").getAsDouble()).isCloseTo(1, within(EPS));
    assertThat(Files.readString(dir.resolve("results/results.md"))).startsWith("| Task |");
  }

  @Test
  void rejectsBadRows() {
    assertThatThrownBy(() -> GlueScore.builder().build()).hasMessageContaining("no results");
    assertThatThrownBy(() -> GlueScore.builder().add(GlueEvalSet.AX, Map.of("accuracy", 1.0)))
        .hasMessageContaining("AX");
    assertThatThrownBy(() -> GlueScore.builder().add("Mine", "Mine", Map.of("accuracy", Double.NaN)))
        .hasMessageContaining("metric accuracy is NaN");
    assertThatThrownBy(() -> GlueScore.builder().add(GlueEvalSet.RTE, Map.of("accuracy", 1.0))
        .add(GlueEvalSet.RTE, Map.of("accuracy", 1.0))).hasMessageContaining("duplicate row RTE");
  }
}
