package io.github.bamjava.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetric;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationTest {

  private static final TaskKind.Regression STARS = new TaskKind.Regression(0, 5);

  @Test
  void aRegressionPredictionIsOnTheLabelScaleAndInsideItsRange() {
    assertThat(Evaluation.prediction(STARS, new float[] {0.5f})).isEqualTo(2.5);
    // A linear head answers outside [0, 1]; the answer a user gets (and GLUE's submission) is the nearest bound.
    assertThat(Evaluation.prediction(STARS, new float[] {1.2f})).isEqualTo(5.0);
    assertThat(Evaluation.prediction(STARS, new float[] {-0.1f})).isEqualTo(0.0);
  }

  @Test
  void aClassificationPredictionIsTheArgMaxIndex() {
    TaskKind kind = TaskKind.Classification.of("a", "b", "c");

    assertThat(Evaluation.prediction(kind, new float[] {0.1f, 2f, -1f})).isEqualTo(1);
  }

  @Test
  void devScoresAreOfTheClampedPredictions() {
    TaskMetric largest = new TaskMetric() {
      @Override
      public String name() {
        return "largest";
      }

      @Override
      public double compute(double[] gold, double[] predicted) {
        return Arrays.stream(predicted).max().orElseThrow();
      }
    };
    Task task = Task.builder("stars", STARS).optMetrics(largest)
        .setTrain(List.of(Example.of("t", "x", "1")))
        .build();
    List<Example> dev = List.of(Example.of("a", "good", "4"), Example.of("b", "great", "5"));

    Map<String, Double> scores = Evaluation.score(task, dev, new float[][] {{0.8f}, {1.4f}});

    assertThat(scores).containsEntry("largest", 5.0);
  }
}
