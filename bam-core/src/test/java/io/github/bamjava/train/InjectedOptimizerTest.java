package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.optim.OptimizerSettings;
import io.github.bamjava.optim.RunSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A learning-rate schedule and Adam's β and ε reach the optimizer through the trainer's public API. */
class InjectedOptimizerTest {

  @TempDir Path dir;

  @Test
  void aGivenScheduleAndAdamSettingsAreUsedAndPartOfTheRunKey() throws Exception {
    OptimizerSettings custom = new OptimizerSettings(2e-3, 1.0, 0.0, 1.0, 0.8, 0.98, 1e-8, true,
        RunSchedule.constant());
    BornAgainTrainer trainer = BornAgainTrainer.builder()
        .setEncoder(SyntheticTasks.tinyEncoder(7))
        .addTask(SyntheticTasks.sentiment(48, 8, 1))
        .setOutputDir(dir)
        .optOptimizer(custom)
        .optBatchSize(16)
        .optMaxLength(32)
        .optEpochs(1)
        .build();
    trainer.train();

    // A constant schedule: every step at the peak rate (the default would warm up from 0).
    List<Double> rates = Files.readAllLines(dir.resolve("metrics.jsonl")).stream()
        .map(l -> JsonParser.parseString(l).getAsJsonObject())
        .filter(o -> o.get("type").getAsString().equals("step"))
        .map(o -> o.get("lr").getAsDouble())
        .toList();
    assertThat(rates).hasSize(3).allSatisfy(r -> assertThat(r).isCloseTo(2e-3, org.assertj.core.api.Assertions
        .within(1e-9)));
    JsonObject key = trainer.settings().runKey().getAsJsonObject("optimizer");
    assertThat(key.get("schedule").getAsString()).isEqualTo("constant");
    assertThat(key.get("beta1").getAsDouble()).isEqualTo(0.8);
    assertThat(key.get("beta2").getAsDouble()).isEqualTo(0.98);
    assertThat(key.get("epsilon").getAsDouble()).isEqualTo(1e-8);
    assertThat(key.get("biasCorrection").getAsBoolean()).isTrue();
  }
}
