package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.bamjava.distill.LossFunction;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A loss function and a teacher temperature passed through the trainer's public API are what the student uses. */
class DistillationOptionsTest {

  @TempDir Path dir;

  /** The paper's loss, recording the largest classification target of every step. */
  private static final class Recording implements LossFunction {
    final List<Float> maxTargets = new ArrayList<>();

    @Override
    public NDArray perExample(TaskKind kind, NDArray output, NDArray target) {
      maxTargets.add(target.max().getFloat());
      return LossFunction.paper().perExample(kind, output, target);
    }

    @Override
    public String describe() {
      return "recording";
    }
  }

  private Recording student(Task task, TeacherPredictions teacher, double temperature, String name)
      throws Exception {
    Recording loss = new Recording();
    BornAgainTrainer trainer = BornAgainTrainer.builder()
        .setEncoder(SyntheticTasks.tinyEncoder(7))
        .addTask(task)
        .optTeacher(task.name(), teacher)
        .optLoss(loss)
        .optTemperature(temperature)
        .setOutputDir(dir.resolve(name))
        .optBatchSize(16)
        .optMaxLength(32)
        .optEpochs(1)
        .build();
    assertThat(trainer.settings().runKey().get("loss").getAsString()).isEqualTo("recording");
    assertThat(trainer.settings().runKey().get("temperature").getAsDouble()).isEqualTo(temperature);
    trainer.train();
    return loss;
  }

  @Test
  void theGivenLossSeesTargetsSoftenedByTheTemperature() throws Exception {
    Task task = SyntheticTasks.sentiment(32, 4, 1);
    TeacherPredictions teacher;
    RunResult t = BornAgainTrainer.builder().setEncoder(SyntheticTasks.tinyEncoder(7)).addTask(task)
        .setOutputDir(dir.resolve("teacher")).optLearningRate(2e-3).optBatchSize(16).optMaxLength(32)
        .optEpochs(4).build().train();
    try (NDManager owner = NDManager.newBaseManager(); BamModel model = BamModel.load(t.modelDir(), owner)) {
      teacher = model.teacherPredictions(task, 32);
    }
    assertThat(teacher.logits()).isNotNull();

    Recording plain = student(task, teacher, 1.0, "t1");
    Recording soft = student(task, teacher, 4.0, "t4");
    // Step 0 has λ = 0: the target is the teacher's soft distribution alone, flatter at T = 4.
    assertThat(plain.maxTargets).isNotEmpty();
    assertThat(soft.maxTargets.get(0)).isLessThan(plain.maxTargets.get(0));
    float[][] expected = teacher.softTargets(4.0);
    float maxExpected = 0;
    for (float[] row : expected) {
      for (float v : row) {
        maxExpected = Math.max(maxExpected, v);
      }
    }
    assertThat(soft.maxTargets.get(0)).isLessThanOrEqualTo(maxExpected + 1e-6f);
  }
}
