package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.github.bamjava.distill.DistillationLoss;
import io.github.bamjava.distill.LossFunction;
import io.github.bamjava.encoder.PretrainedEncoder;
import io.github.bamjava.internal.sampling.ExampleRef;
import io.github.bamjava.model.ModelHeads;
import io.github.bamjava.optim.LayerDepth;
import io.github.bamjava.optim.LayerwiseLrOptimizer;
import io.github.bamjava.optim.OptimizerSettings;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.task.Task;
import io.github.bamjava.testing.EngineManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A batch computed in micro-batches leaves the gradients of the whole batch. */
@ExtendWith(EngineManager.class)
class StepperTest {

  private NDManager manager;

  @Test
  void aBatchInPartsHasTheGradientsAndLossesOfTheWholeBatch() throws Exception {
    Task other = SyntheticTasks.sentiment(24, 4, 5);
    List<Task> tasks = List.of(SyntheticTasks.sentiment(24, 4, 3), Task.builder("other", other.kind())
        .setTrain(other.train()).optDev(other.dev()).build());
    Map<Integer, Map<String, float[]>> gradients = new LinkedHashMap<>();
    Map<Integer, Stepper.Pass> passes = new LinkedHashMap<>();
    for (int parts : new int[] {1, 3, 7}) {
      TorchEngine.get().setRandomSeed(11); // the heads' initialisation
      try (NDManager run = manager.newSubManager();
          PretrainedEncoder encoder = SyntheticTasks.tinyEncoder(7).load(run);
          BamModel model = BamModel.create(run, encoder, tasks, ModelHeads.defaults())) {
        TrainingData data = new TrainingData(tasks, Map.of(), 1.0, encoder.tokenizer(), 32);
        Map<String, Parameter> parameters = model.network().namedParameters();
        try (LayerwiseLrOptimizer optimizer = new LayerwiseLrOptimizer(OptimizerSettings.BERT, parameters, 1,
            LayerDepth.inferredFrom(parameters.keySet()), null)) {
          DistillationLoss loss = new DistillationLoss(tasks.stream().map(Task::kind).toList(),
              new float[] {1f, 0.5f}, LossFunction.paper());
          Stepper stepper = new Stepper(model, encoder.tokenizer(), data, loss, optimizer,
              List.of("sentiment", "other"), List.of(), run, 0);
          // Both tasks, interleaved, of unequal lengths: parts cut across tasks and shapes.
          List<ExampleRef> planned = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            planned.add(new ExampleRef(i % 2, i));
          }
          passes.put(parts, stepper.forwardAndBackward(run, data.batch(planned, 1.0), parts, false));
          Map<String, float[]> byName = new LinkedHashMap<>();
          parameters.forEach((name, p) -> byName.put(name, p.getArray().getGradient().toFloatArray()));
          gradients.put(parts, byName);
        }
      }
    }
    Map<String, float[]> whole = gradients.get(1);
    assertThat(whole.values().stream().anyMatch(g -> nonZero(g))).isTrue();
    for (int parts : new int[] {3, 7}) {
      assertThat(passes.get(parts).total()).isCloseTo(passes.get(1).total(), within(1e-5));
      for (int k = 0; k < 2; k++) {
        assertThat(passes.get(parts).taskSums()[k]).isCloseTo(passes.get(1).taskSums()[k], within(1e-4f));
      }
      whole.forEach((name, expected) -> {
        float[] actual = gradients.get(parts).get(name);
        for (int i = 0; i < expected.length; i++) {
          assertThat(actual[i]).as("%s [%s] in %s parts", name, i, parts)
              .isCloseTo(expected[i], within(1e-5f + 1e-4f * Math.abs(expected[i])));
        }
      });
    }
  }

  @Test
  void aBatchIsCutIntoEnoughPartsForItsTokens() {
    TrainingData.Batch batch = new TrainingData.Batch(new int[32], List.of(), List.of(), new int[1], 3_900);
    assertThat(Stepper.parts(batch, 0)).isEqualTo(1);
    assertThat(Stepper.parts(batch, 4_000)).isEqualTo(1);
    assertThat(Stepper.parts(batch, 2_048)).isEqualTo(2);
    assertThat(Stepper.parts(batch, 1_000)).isEqualTo(4);
    assertThat(Stepper.parts(batch, 10)).isEqualTo(32); // at most one example a part
  }

  private static boolean nonZero(float[] values) {
    for (float v : values) {
      if (v != 0f) {
        return true;
      }
    }
    return false;
  }
}
