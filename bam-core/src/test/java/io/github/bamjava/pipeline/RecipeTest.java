package io.github.bamjava.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.optim.OptimizerSettings;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeTest {

  @TempDir Path dir;

  static Task task() {
    return Task.builder("t", TaskKind.Classification.of("0", "1"))
        .setTrain(List.of(Example.of("a", "x", "0"), Example.of("b", "y", "1")))
        .build();
  }

  private OptimizerSettings optimizerOf(Recipe recipe, Stage stage) {
    return recipe.trainer(stage)
        .setEncoder(EncoderSource.miniLm())
        .addTask(task())
        .setOutputDir(dir)
        .build()
        .settings()
        .optimizer();
  }

  @Test
  void thePaperRecipeKeepsBertsAdamAndTheLearningRecipeCorrectsItsBias() {
    for (Stage stage : List.of(Recipe.PAPER.teacher(), Recipe.PAPER.student(), Recipe.PAPER.finetune())) {
      OptimizerSettings o = optimizerOf(Recipe.PAPER, stage);
      assertThat(o.biasCorrection()).isFalse();
      assertThat(o.learningRate()).isEqualTo(stage.learningRate());
    }
    for (Stage stage : List.of(Recipe.LEARNING.teacher(), Recipe.LEARNING.student(), Recipe.LEARNING.finetune())) {
      OptimizerSettings o = optimizerOf(Recipe.LEARNING, stage);
      assertThat(o.biasCorrection()).isTrue();
      assertThat(o.learningRate()).isEqualTo(stage.learningRate());
      assertThat(o.layerDecay()).isEqualTo(0.9);
    }
  }

  @Test
  void theLearningRecipesHeadsMeanPoolAndEndRegressionLinearlyInEveryStage() {
    assertThat(Recipe.PAPER.heads()).isEqualTo(HeadOptions.DEFAULT);
    assertThat(Recipe.LEARNING.heads()).isEqualTo(HeadOptions.MEAN_LINEAR);
    for (Stage stage : List.of(Recipe.LEARNING.teacher(), Recipe.LEARNING.student(), Recipe.LEARNING.finetune())) {
      assertThat(Recipe.LEARNING.trainer(stage).setEncoder(EncoderSource.miniLm()).addTask(task())
          .setOutputDir(dir).build().settings().heads().options()).isEqualTo(HeadOptions.MEAN_LINEAR);
    }
  }

  @Test
  void variantsKeepTheOptimizerChoice() {
    assertThat(Recipe.LEARNING.withMaxLength(64).biasCorrection()).isTrue();
    assertThat(Recipe.LEARNING.withHeads(Recipe.PAPER.heads()).biasCorrection()).isTrue();
    assertThat(Recipe.PAPER.withName("mine").biasCorrection()).isFalse();
  }
}
