package io.github.bamjava.glue;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.optim.OptimizerSettings;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.Example;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PresetTest {

  @TempDir Path dir;

  private static Task task() {
    return Task.builder("t", TaskKind.Classification.of("0", "1"))
        .setTrain(List.of(Example.of("a", "x", "0"), Example.of("b", "y", "1")))
        .build();
  }

  private OptimizerSettings optimizerOf(Preset preset, Preset.Stage stage) {
    return preset.trainer(stage)
        .setEncoder(EncoderSource.miniLm())
        .addTask(task())
        .setOutputDir(dir)
        .build()
        .settings()
        .optimizer();
  }

  @Test
  void thePaperPresetKeepsBertsAdamAndTheLearningPresetCorrectsItsBias() {
    for (Preset.Stage stage : List.of(Preset.PAPER.teacher(), Preset.PAPER.student(), Preset.PAPER.finetune())) {
      OptimizerSettings o = optimizerOf(Preset.PAPER, stage);
      assertThat(o.biasCorrection()).isFalse();
      assertThat(o.learningRate()).isEqualTo(stage.learningRate());
    }
    for (Preset.Stage stage
        : List.of(Preset.LEARNING.teacher(), Preset.LEARNING.student(), Preset.LEARNING.finetune())) {
      OptimizerSettings o = optimizerOf(Preset.LEARNING, stage);
      assertThat(o.biasCorrection()).isTrue();
      assertThat(o.learningRate()).isEqualTo(stage.learningRate());
      assertThat(o.layerDecay()).isEqualTo(0.9);
    }
  }

  @Test
  void theLearningPresetsHeadsMeanPoolAndEndRegressionLinearlyInEveryStage() {
    assertThat(Preset.PAPER.heads()).isEqualTo(HeadOptions.DEFAULT);
    assertThat(Preset.LEARNING.heads()).isEqualTo(HeadOptions.MEAN_LINEAR);
    for (Preset.Stage stage
        : List.of(Preset.LEARNING.teacher(), Preset.LEARNING.student(), Preset.LEARNING.finetune())) {
      assertThat(Preset.LEARNING.trainer(stage).setEncoder(EncoderSource.miniLm()).addTask(task())
          .setOutputDir(dir).build().settings().heads().options()).isEqualTo(HeadOptions.MEAN_LINEAR);
    }
  }

  @Test
  void variantsKeepTheOptimizerChoice() {
    assertThat(Preset.LEARNING.withMaxLength(64).biasCorrection()).isTrue();
    assertThat(Preset.LEARNING.withHeads(Preset.PAPER.heads()).biasCorrection()).isTrue();
    assertThat(Preset.PAPER.withTrainCap(TrainCap.first(10)).biasCorrection()).isFalse();
  }
}
