package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.optim.LossScale;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.task.Task;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FP16 mixed precision through the trainer, on the tiny test model. On a CPU FP16 is correct but slow, so these
 * tests use the package-private switch that allows it there; tiny shapes keep them fast.
 */
class MixedPrecisionTrainingTest {

  /**
   * How far the FP16 run's mean training loss over its last two epochs may be from the FP32 run's. Both fall from
   * about 0.48 to about 0.02 here; the two runs draw other dropout masks and round differently, so they differ by
   * chance as two FP32 runs with other dropout seeds do: with seeds 11, 12 and 13 the gap was 0.015, 0.002 and
   * 0.008.
   */
  static final double LOSS_TOLERANCE = 0.03;

  @TempDir Path dir;

  private static BornAgainTrainer.Builder tiny(Path out, List<Task> tasks) {
    return SyntheticTasks.tinyTrainer(out, tasks);
  }

  private static BornAgainTrainer.Builder fp16(Path out, List<Task> tasks) {
    return tiny(out, tasks).optMixedPrecision(true).allowMixedPrecisionOnCpu();
  }

  @Test
  void fp16TrainingReachesTheFp32Loss() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(320, 100, 1), SyntheticTasks.stars(160, 60, 3));
    RunResult fp32 = tiny(dir.resolve("fp32"), tasks).optEpochs(8).build().train();
    RunResult fp16 = fp16(dir.resolve("fp16"), tasks).optEpochs(8).build().train();

    double first32 = meanLoss(dir.resolve("fp32"), 0, 0);
    double last32 = meanLoss(dir.resolve("fp32"), 6, 7);
    double last16 = meanLoss(dir.resolve("fp16"), 6, 7);
    assertThat(last32).isLessThan(first32 / 5);
    assertThat(last16).isCloseTo(last32, within(LOSS_TOLERANCE));
    assertThat(fp16.finalDev().get("sentiment").get("accuracy")).isGreaterThan(0.9);
    // The run key says mixed precision; the saved model is FP32 either way.
    assertThat(RunConfig.readKey(dir.resolve("fp16")).orElseThrow().get("mixedPrecision").getAsBoolean()).isTrue();
    assertThat(RunConfig.readKey(dir.resolve("fp32")).orElseThrow().has("mixedPrecision")).isFalse();
    Map<String, HostTensor> saved16 = SyntheticTasks.savedWeights(fp16);
    assertThat(saved16.keySet())
        .isEqualTo(SyntheticTasks.savedWeights(fp32).keySet());
    try (NDManager owner = NDManager.newBaseManager(); BamModel model = BamModel.load(fp16.modelDir(), owner)) {
      model.network().namedParameters().values()
          .forEach(p -> assertThat(p.getArray().getDataType()).isEqualTo(DataType.FLOAT32));
    }
  }

  @Test
  void resumedFp16RunEndsWithTheSameParametersAsAnUninterruptedOne() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(96, 20, 1), SyntheticTasks.stars(64, 20, 3));
    // Starting at 2^24 makes the first steps overflow, so the checkpoint holds a lowered scale.
    RunResult straight = fp16(dir.resolve("straight"), tasks).initialLossScale(LossScale.of(1 << 24))
        .optEpochs(2).optCheckpointEvery(3).build().train();

    Path out = dir.resolve("killed");
    int[] writes = {0};
    BornAgainTrainer killed = fp16(out, tasks).initialLossScale(LossScale.of(1 << 24)).optEpochs(2)
        .optCheckpointEvery(3)
        .checkpointHook(() -> {
          if (++writes[0] == 3) {
            throw new IllegalStateException("killed");
          }
        })
        .build();
    assertThatThrownBy(killed::train).hasMessage("killed");
    Path checkpoint = out.resolve("checkpoints/step-6/optimizer.safetensors");
    Map<String, String> metadata = SafeTensors.readMetadata(checkpoint);
    assertThat(Double.parseDouble(metadata.get("loss_scale"))).isLessThan(1 << 24);
    RunResult resumed = fp16(out, tasks).initialLossScale(LossScale.of(1 << 24)).optEpochs(2)
        .optCheckpointEvery(3).build().train();

    Map<String, HostTensor> a = SyntheticTasks.savedWeights(straight);
    Map<String, HostTensor> b = SyntheticTasks.savedWeights(resumed);
    assertThat(b).isEqualTo(a);
    assertThat(resumed.finalDev()).isEqualTo(straight.finalDev());
  }

  @Test
  void overflowingStepsAreSkippedAndTheRunGoesOn() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(128, 20, 1));
    // 2^30 overflows FP16 at once; the scale is halved a step at a time until the gradients fit.
    RunResult result = fp16(dir, tasks).initialLossScale(LossScale.of(1 << 30)).optEpochs(3).build()
        .train();
    List<JsonObject> steps = steps(dir);
    assertThat(steps.get(0).get("loss_scale").getAsDouble()).isEqualTo(0x1p30);
    assertThat(steps.get(0).get("grad_norm").getAsDouble()).isNaN();
    assertThat(steps.get(1).get("loss_scale").getAsDouble()).isEqualTo(0x1p29);
    // Each skipped step halves the scale for the next; a taken step keeps it (it grows only after 2000).
    int skipped = 0;
    for (int i = 0; i + 1 < steps.size(); i++) {
      boolean skip = !Double.isFinite(steps.get(i).get("grad_norm").getAsDouble());
      skipped += skip ? 1 : 0;
      double scale = steps.get(i).get("loss_scale").getAsDouble();
      assertThat(steps.get(i + 1).get("loss_scale").getAsDouble()).isEqualTo(skip ? scale / 2 : scale);
    }
    assertThat(skipped).isGreaterThan(5).isLessThan(steps.size() / 2);
    assertThat(result.finalDev().get("sentiment").get("accuracy")).isNotNaN();
    SyntheticTasks.savedWeights(result).values()
        .forEach(t -> {
          for (float v : t.values()) {
            assertThat(v).isFinite();
          }
        });
  }

  @Test
  void mixedPrecisionIsRefusedOnACpuAndItsRunKeyDiffers() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(32, 8, 1));
    assertThatThrownBy(() -> tiny(dir, tasks).optDevice(Device.cpu()).optMixedPrecision(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mixed precision (FP16) needs a GPU, but the device is cpu()")
        .hasMessageContaining("1000x slower");
    tiny(dir, tasks).optEpochs(1).build().train();
    assertThatThrownBy(() -> fp16(dir, tasks).optEpochs(1).build().train())
        .hasMessageContaining("holds a run with other settings")
        .hasMessageContaining("mixedPrecision: (absent) → true");
  }

  private static List<JsonObject> steps(Path out) throws Exception {
    return Files.readAllLines(out.resolve("metrics.jsonl")).stream()
        .map(l -> JsonParser.parseString(l).getAsJsonObject())
        .filter(o -> o.get("type").getAsString().equals("step"))
        .toList();
  }

  /** The mean training loss of the steps of epochs {@code from} to {@code to}. */
  private static double meanLoss(Path out, int from, int to) throws Exception {
    return steps(out).stream().filter(s -> s.get("epoch").getAsInt() >= from && s.get("epoch").getAsInt() <= to)
        .mapToDouble(s -> s.get("loss").getAsDouble()).average().orElseThrow();
  }
}
