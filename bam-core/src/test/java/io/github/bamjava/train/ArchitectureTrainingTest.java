package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.bamjava.encoder.Architecture;
import io.github.bamjava.encoder.BertConfig;
import io.github.bamjava.encoder.CheckpointLayout;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.encoder.HfFixtures;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every architecture trains through the whole pipeline from a checkpoint folder transformers wrote (the tiny
 * parity fixtures): it learns a generated task of single sentences and one of pairs, resumes a killed run to the
 * same weights bit for bit, and saves a model that loads back as the same architecture under its own prefix and
 * predicts what the run measured.
 */
class ArchitectureTrainingTest {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void learnsResumesAndReloads(Architecture architecture) throws Exception {
    EncoderSource encoder = EncoderSource.huggingFace(HfFixtures.checkpoint(architecture));
    List<Task> tasks = List.of(SyntheticTasks.sentiment(256, 100, 1), SyntheticTasks.answer(256, 100, 2));
    RunResult run = SyntheticTasks.assertKilledRunResumesExactly(dir,
        out -> SyntheticTasks.tinyTrainer(out, tasks).setEncoder(encoder).optEpochs(8).optLearningRate(3e-3));

    assertThat(run.finalDev().get("sentiment").get("accuracy")).as("sentiment").isGreaterThan(0.8);
    assertThat(run.finalDev().get("answer").get("accuracy")).as("answer (pairs)").isGreaterThan(0.8);
    assertThat(SyntheticTasks.savedWeights(run).keySet())
        .allMatch(name -> name.startsWith(CheckpointLayout.encoderPrefix(architecture))
            || CheckpointLayout.isHead(name));
    try (NDManager owner = NDManager.newBaseManager(); BamModel model = BamModel.load(run.modelDir(), owner)) {
      BertConfig config = model.network().encoder().config();
      assertThat(config.architecture()).isEqualTo(architecture);
      assertThat(config).isEqualTo(BertConfig.read(HfFixtures.checkpoint(architecture).resolve("config.json")));
      for (Task task : tasks) {
        float[][] probabilities = model.predict(task.name(), task.dev(), 32);
        long right = 0;
        for (int i = 0; i < probabilities.length; i++) {
          int predicted = probabilities[i][0] >= probabilities[i][1] ? 0 : 1;
          List<String> labels = ((TaskKind.Classification) task.kind()).labels();
          right += labels.get(predicted).equals(task.dev().get(i).label()) ? 1 : 0;
        }
        assertThat((double) right / probabilities.length).as(task.name())
            .isEqualTo(run.finalDev().get(task.name()).get("accuracy"));
      }
    }
  }
}
