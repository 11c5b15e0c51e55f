package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BornAgainTrainerTest {

  @TempDir Path dir;

  private static BornAgainTrainer.Builder tiny(Path out, List<Task> tasks) {
    return SyntheticTasks.tinyTrainer(out, tasks);
  }

  @Test
  void singleToMultiStudentLearnsEveryTaskFromItsTeachers() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(320, 100, 1), SyntheticTasks.answer(320, 100, 2),
        SyntheticTasks.stars(320, 100, 3));
    // Single-task teachers, each written to a prediction file.
    for (Task task : tasks) {
      RunResult teacher = tiny(dir.resolve("teacher-" + task.name()), List.of(task)).optEpochs(8).build()
          .train();
      try (NDManager owner = NDManager.newBaseManager(); BamModel model = BamModel.load(teacher.modelDir(), owner)) {
        model.teacherPredictions(task, 32).write(dir.resolve(task.name() + ".teacher.safetensors"));
      }
    }
    // Mixed-task minibatches need a lower rate than the single-task runs for the regression head to learn. At
    // 1e-3 for 6 epochs a tiny student was chaotic: the same run with other float rounding (packed or padded
    // tokens, no dropout) ended at stars pearson 0.87 or -0.80. At 5e-4 for 8 epochs, seeds 1-4 and 11 all learn
    // every task (stars 0.89-0.96); seed 5 still ends at stars 0.39.
    BornAgainTrainer.Builder student = tiny(dir.resolve("student"), tasks).optEpochs(8).optLearningRate(5e-4);
    for (Task task : tasks) {
      student.optTeacher(task.name(), TeacherPredictions.read(dir.resolve(task.name() + ".teacher.safetensors")));
    }
    RunResult result = student.build().train();

    Map<String, Map<String, Double>> dev = result.finalDev();
    assertThat(dev.get("sentiment").get("accuracy")).isGreaterThan(0.8);
    assertThat(dev.get("answer").get("accuracy")).isGreaterThan(0.8);
    assertThat(dev.get("stars").get("pearson")).isGreaterThan(0.5);
    assertThat(result.modelDir().resolve("model.safetensors")).exists();
    assertThat(dir.resolve("student/run-config.json")).exists();
    List<String> log = Files.readAllLines(dir.resolve("student/metrics.jsonl"));
    assertThat(log).anyMatch(l -> l.contains("\"type\":\"epoch\"")).anyMatch(l -> l.contains("\"lambda\""));
  }

  /** A run without teachers trains on gold labels only: its steps report λ = 1, not the unused schedule. */
  @Test
  void aRunWithoutTeachersReportsLambdaOne() throws Exception {
    List<Double> lambdas = new ArrayList<>();
    RunListener record = new RunListener() {
      @Override
      public void onStep(StepInfo s) {
        lambdas.add(s.lambda());
      }
    };
    tiny(dir.resolve("gold"), List.of(SyntheticTasks.sentiment(64, 10, 1))).optEpochs(1).addListener(record)
        .build().train();
    assertThat(lambdas).hasSize(4).containsOnly(1.0);
  }

  @Test
  void resumedRunEndsWithTheSameParametersAsAnUninterruptedOne() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(96, 20, 1), SyntheticTasks.stars(64, 20, 3));
    SyntheticTasks.assertKilledRunResumesExactly(dir, out -> tiny(out, tasks).optEpochs(2));
  }

  @Test
  void resumingWithOtherSettingsIsRefused() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(32, 8, 1));
    tiny(dir, tasks).optEpochs(1).build().train();
    assertThatThrownBy(() -> tiny(dir, tasks).optEpochs(1).optBatchSize(8).build().train())
        .hasMessageContaining("holds a run with other settings");
  }

  @Test
  void teacherForOtherExamplesIsRefused() throws Exception {
    Task task = SyntheticTasks.sentiment(32, 8, 1);
    Task other = SyntheticTasks.sentiment(32, 8, 2);
    TeacherPredictions wrong = TeacherPredictions.of(other, other.train(), new float[32][2]);
    assertThatThrownBy(() -> tiny(dir, List.of(task)).optTeacher("sentiment", wrong).build().train())
        .hasMessageContaining("made on other examples");
    TeacherPredictions tooFew = TeacherPredictions.of(task, task.train().subList(0, 10), new float[10][2]);
    assertThatThrownBy(() -> tiny(dir, List.of(task)).optTeacher("sentiment", tooFew).build().train())
        .hasMessageContaining("cover 10 examples but the task has 32");
  }

  @Test
  void divergingLossStopsNamingStepAndTask() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(64, 8, 1));
    assertThatThrownBy(() -> tiny(dir, tasks).optLearningRate(1e30).optClipNorm(Double.POSITIVE_INFINITY)
        .optWarmupFraction(0).build().train())
        .isInstanceOf(LossDivergedException.class)
        .hasMessageContaining("task sentiment")
        .hasMessageContaining("at step");
  }

  @Test
  void badSettingsAreClearErrors() {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(8, 0, 1));
    assertThatThrownBy(() -> tiny(dir, tasks).optBatchSize(0).build()).hasMessageContaining("batch size must be >= 1, got 0");
    assertThatThrownBy(() -> tiny(dir, List.of()).build()).hasMessageContaining("at least one task");
    assertThatThrownBy(() -> tiny(dir, tasks).optTaskWeight("nope", 1).build())
        .hasMessageContaining("unknown task nope");
    assertThatThrownBy(() -> BornAgainTrainer.builder().addTasks(tasks).setOutputDir(dir).build())
        .hasMessageContaining("setEncoder");
  }
}
