package io.github.bamjava.glue;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.task.TrainCap;
import org.junit.jupiter.api.Test;

class PresetTest {

  @Test
  void theLearningPresetKeepsEveryCoLaSentenceAndDrawsTheOtherTasks() {
    assertThat(Preset.LEARNING.recipe()).isEqualTo(Recipe.LEARNING);
    assertThat(Preset.LEARNING.trainBudget().capOf(GlueTask.COLA)).isEqualTo(TrainCap.all());
    assertThat(Preset.LEARNING.trainBudget().capOf(GlueTask.SST2)).isEqualTo(TrainCap.random(7000, 13));
    assertThat(Preset.LEARNING.trainBudget().capOf(GlueTask.RTE)).isEqualTo(TrainCap.random(2000, 13));
    assertThat(Preset.PAPER.trainBudget().capOf(GlueTask.QQP)).isEqualTo(TrainCap.all());
  }

  @Test
  void variantsKeepTheOtherPart() {
    assertThat(Preset.PAPER.withTrainCap(TrainCap.first(10)).recipe()).isEqualTo(Recipe.PAPER);
    Preset shorter = Preset.LEARNING.withRecipe(Recipe.LEARNING.withMaxLength(64));
    assertThat(shorter.trainBudget()).isEqualTo(Preset.LEARNING.trainBudget());
    assertThat(shorter.name()).isEqualTo("learning");
  }
}
