package io.github.bamjava.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.distill.LossFunction;
import io.github.bamjava.distill.TeacherAnnealingSchedule;
import io.github.bamjava.optim.RunSchedule;
import io.github.bamjava.sampling.TaskSampler;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every strategy of the library has a name that reads back to it, and a bad name lists the good ones. */
class StrategiesTest {

  @Test
  void namesGiveTheStrategiesTheRunKeyRecords() {
    assertThat(Strategies.SAMPLER.parse("size-exponent:0.75").describe())
        .isEqualTo(TaskSampler.paperDefault().describe());
    assertThat(Strategies.SAMPLER.parse("uniform").describe()).isEqualTo(TaskSampler.uniform().describe());
    assertThat(Strategies.SAMPLER.parse(" proportional ").describe())
        .isEqualTo(TaskSampler.proportional().describe());
    assertThat(Strategies.ANNEALING.parse("linear").describe()).isEqualTo("linear");
    assertThat(Strategies.ANNEALING.parse("constant:0.5").describe())
        .isEqualTo(TeacherAnnealingSchedule.constant(0.5).describe());
    assertThat(Strategies.LOSS.parse("cross-entropy").describe()).isEqualTo(LossFunction.paper().describe());
    assertThat(Strategies.SCHEDULE.parse("warmup-linear:0.1").describe())
        .isEqualTo(RunSchedule.warmupLinearDecay(0.1).describe());
    assertThat(Strategies.SCHEDULE.parse("constant").describe()).isEqualTo(RunSchedule.constant().describe());
  }

  @Test
  void everyStrategyOfTheLibraryReadsBackToItsName() {
    assertThat(Strategies.SAMPLER.nameOf(TaskSampler.paperDefault())).hasValue("size-exponent:0.75");
    assertThat(Strategies.SAMPLER.nameOf(TaskSampler.sizeExponent(0))).hasValue("uniform");
    assertThat(Strategies.SAMPLER.nameOf(TaskSampler.proportional())).hasValue("proportional");
    assertThat(Strategies.ANNEALING.nameOf(TeacherAnnealingSchedule.constant(0))).hasValue("constant:0.0");
    assertThat(Strategies.LOSS.nameOf(LossFunction.paper())).hasValue("cross-entropy");
    assertThat(Strategies.SCHEDULE.nameOf(RunSchedule.warmupLinearDecay(0.06))).hasValue("warmup-linear:0.06");
    for (String name : List.of("uniform", "size-exponent:0.5", "constant:1.0", "linear")) {
      StrategyNames<?> names = name.startsWith("constant") || name.equals("linear") ? Strategies.ANNEALING
          : Strategies.SAMPLER;
      assertThat(roundTrip(names, name)).isEqualTo(name);
    }
    // A strategy of one's own has no name here; it is still recorded by its description.
    TaskSampler mine = TaskSampler.of("smallest first", sizes -> new double[sizes.length]);
    assertThat(Strategies.SAMPLER.nameOf(mine)).isEmpty();
    assertThat(Strategies.SAMPLER.nameOrDescription(mine)).isEqualTo("smallest first");
  }

  private static <T> String roundTrip(StrategyNames<T> names, String name) {
    return names.nameOf(names.parse(name)).orElseThrow();
  }

  @Test
  void aBadNameIsRefusedWithTheNamesThatExist() {
    assertThatThrownBy(() -> Strategies.SAMPLER.parse("temperature"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown sampler 'temperature'; known: uniform, proportional, size-exponent:<exponent>");
    assertThatThrownBy(() -> Strategies.LOSS.parse("mse"))
        .hasMessage("unknown loss 'mse'; known: cross-entropy");
    assertThatThrownBy(() -> Strategies.ANNEALING.parse("constant"))
        .hasMessage("annealing 'constant' needs a value: constant:<lambda>");
    assertThatThrownBy(() -> Strategies.ANNEALING.parse("linear:2")).hasMessageContaining("takes no value");
    assertThatThrownBy(() -> Strategies.ANNEALING.parse("constant:half"))
        .hasMessageContaining("half is not a number");
    assertThatThrownBy(() -> Strategies.ANNEALING.parse("constant:1.5"))
        .hasMessage("annealing 'constant:1.5': lambda must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> Strategies.SCHEDULE.parse("warmup-linear:1"))
        .hasMessageContaining("warmup fraction must be in [0, 1)");
  }

  @Test
  void aRecipesStrategiesReachTheTrainer() {
    Recipe r = Recipe.PAPER.withSampler(TaskSampler.uniform()).withAnnealing(TeacherAnnealingSchedule.constant(0.5))
        .withSchedule(RunSchedule.constant()).withLayerDecay(0.8).withBucketByLength(true)
        .withEveryStage(s -> s.withLearningRate(3e-5));
    var settings = r.trainer(r.student()).setEncoder(io.github.bamjava.encoder.EncoderSource.miniLm())
        .addTask(RecipeTest.task()).setOutputDir(java.nio.file.Path.of("unused")).build().settings();
    assertThat(settings.sampler().describe()).isEqualTo("size^0.0");
    assertThat(settings.annealing().describe()).isEqualTo("constant 0.5");
    assertThat(settings.optimizer().schedule().describe()).isEqualTo("constant");
    assertThat(settings.optimizer().layerDecay()).isEqualTo(0.8);
    assertThat(settings.optimizer().learningRate()).isEqualTo(3e-5);
    assertThat(settings.bucketByLength()).isTrue();
  }
}
