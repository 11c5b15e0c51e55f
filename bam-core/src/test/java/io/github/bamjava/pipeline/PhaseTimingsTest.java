package io.github.bamjava.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.encoder.EncoderFlops;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.train.SyntheticTasks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline run's phase table: the time, tokens, operations and memory of each phase, printed and written. */
class PhaseTimingsTest {

  private static final Recipe TINY = new Recipe("tiny", new Stage(1e-3, 16, 2), new Stage(1e-3, 16, 1),
      new Stage(5e-4, 16, 1), 32, 0.9, 0.75, HeadOptions.DEFAULT, false);

  @TempDir Path tmp;

  @Test
  void aRunTimesEveryPhaseCountsItsTokensAndWritesTheTable() throws IOException {
    PipelineSettings settings = PipelineSettings.DEFAULT.withEncoder(SyntheticTasks.tinyEncoder(7)).withRecipe(TINY)
        .withFinetune(true);
    List<PipelineTask> tasks = List.of(PipelineTask.of(SyntheticTasks.sentiment(32, 8, 1)),
        PipelineTask.of(SyntheticTasks.stars(24, 6, 2)));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path dir = tmp.resolve("run");
    new BamPipeline(dir, settings, new PrintStream(log, true, StandardCharsets.UTF_8))
        .run(tasks, ResultsStyle.DEFAULT, models -> List.of());

    PhaseTimings timings = PhaseTimings.read(dir);
    assertThat(timings.phases()).extracting(PhaseTiming::name).containsExactly("teacher sentiment",
        "predictions sentiment", "teacher stars", "predictions stars", "student", "fine-tune sentiment",
        "fine-tune stars", "evaluation", "final step");
    Map<String, PhaseTiming> byName = timings.phases().stream()
        .collect(Collectors.toMap(PhaseTiming::name, p -> p));
    // Two teacher epochs draw every training example twice; a prediction pass sees each once.
    assertThat(byName.get("teacher sentiment").examples()).isEqualTo(64);
    assertThat(byName.get("teacher stars").examples()).isEqualTo(48);
    assertThat(byName.get("teacher sentiment").devSeconds()).isPositive();
    assertThat(byName.get("predictions sentiment").examples()).isEqualTo(32);
    assertThat(byName.get("student").examples()).isEqualTo(56);
    // Single, BAM and BAM+FT each predict both dev sets.
    assertThat(byName.get("evaluation").examples()).isEqualTo(3 * (8 + 6));
    EncoderFlops flops = new EncoderFlops(settings.encoder().config().orElseThrow());
    for (PhaseTiming p : timings.phases()) {
      assertThat(p.reused()).isFalse();
      assertThat(p.seconds()).isPositive();
      if (p.name().equals("final step")) {
        assertThat(p.flops()).isNaN();
        continue;
      }
      // Every example is [CLS] ... [SEP], no longer than the recipe's max length.
      assertThat(p.tokens()).isBetween(3 * p.examples(), 32 * p.examples());
      int passes = p.name().startsWith("predictions") || p.name().equals("evaluation") ? 1
          : EncoderFlops.TRAINING_PASSES;
      // At most every sequence as long as the longest; at least the linear layers on every token.
      assertThat(p.flops()).isBetween(passes * flops.forward(p.tokens(), 0),
          passes * flops.forward(p.tokens(), 32.0 * p.tokens()));
      assertThat(p.gflopsPerSecond()).isPositive();
      assertThat(p.peakResidentBytes()).isGreaterThanOrEqualTo(p.residentBytes());
    }
    String printed = log.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains(timings.table());
    assertThat(timings.table().lines()).first().asString().startsWith("phase ");
    assertThat(timings.table().lines()).last().asString().startsWith("total ");

    // Run again: every unit is reused, and says so.
    new BamPipeline(dir, settings, null).run(tasks);
    PhaseTimings again = PhaseTimings.read(dir);
    assertThat(again.phases()).filteredOn(p -> !p.name().equals("evaluation")).allMatch(PhaseTiming::reused)
        .allMatch(p -> p.examples() == 0 && p.tokens() == 0);
    assertThat(again.phases()).extracting(PhaseTiming::name).doesNotContain("final step");
    assertThat(again.table()).contains("reused");
  }

  @Test
  void aBrokenFileIsNamed() throws IOException {
    Files.writeString(tmp.resolve(PhaseTimings.FILE), "{\"phases\": [{\"name\": \"student\"}]}");
    assertThatThrownBy(() -> PhaseTimings.read(tmp)).isInstanceOf(IOException.class)
        .hasMessageContaining(tmp.resolve(PhaseTimings.FILE).toString());
    assertThatThrownBy(() -> new PhaseTiming("student", 1, 2, 0, 0, 0, false, 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("student");
  }
}
