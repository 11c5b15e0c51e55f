package io.github.bamjava.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.train.BornAgainTrainer;
import io.github.bamjava.train.RunConfig;
import io.github.bamjava.train.RunListener;
import io.github.bamjava.train.TrainingSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One training of the pipeline: the settings it gets, and the restart of a run whose settings changed. */
class StageTrainerTest {

  @TempDir Path dir;

  private StageRun run(PipelineSettings s, long seed) {
    return new StageRun(s.recipe().teacher(), s.encoder(), List.of(RecipeTest.task()), Map.of(), seed,
        dir.resolve("run"));
  }

  @Test
  void aRunGetsTheStageTheSeedAndTheSettingsDeviceAndPrecision() {
    PipelineSettings s = PipelineSettings.DEFAULT.withRecipe(Recipe.PAPER).withSeed(9);
    TrainingSettings t = new StageTrainer(s, null, 10).trainer(run(s, 4)).settings();
    assertThat(t.optimizer().learningRate()).isEqualTo(Recipe.PAPER.teacher().learningRate());
    assertThat(t.batchSize()).isEqualTo(Recipe.PAPER.teacher().batchSize());
    assertThat(t.seed()).isEqualTo(4); // the run's seed, not the settings'
    assertThat(t.mixedPrecision()).isFalse();
    assertThat(t.outputDir()).isEqualTo(dir.resolve("run"));
  }

  @Test
  void aRunOfOtherSettingsIsDeletedAndTheLogSaysWhatChangedAndTheSameRunIsKept() throws IOException {
    PipelineSettings before = PipelineSettings.DEFAULT;
    BornAgainTrainer old = new StageTrainer(before, null, 10).trainer(run(before, 1));
    Files.createDirectories(dir.resolve("run"));
    Files.writeString(dir.resolve("run").resolve(RunConfig.FILE), RunConfig.text(old.settings()));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

    StageTrainer same = new StageTrainer(before, out, 10);
    assertThat(same.restartIfUnusable(same.trainer(run(before, 1)), "teacher")).isFalse();
    assertThat(dir.resolve("run")).isDirectory();

    PipelineSettings after = before.withRecipe(before.recipe().withLayerDecay(0.5));
    StageTrainer changed = new StageTrainer(after, out, 10);
    assertThat(changed.restartIfUnusable(changed.trainer(run(after, 1), List.of(new RunListener() {})),
        "teacher")).isTrue();
    assertThat(dir.resolve("run")).doesNotExist();
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("teacher: training again")
        .contains("optimizer.layerDecay: 0.9 → 0.5");
  }
}
