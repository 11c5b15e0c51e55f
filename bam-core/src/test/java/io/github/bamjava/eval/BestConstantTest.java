package io.github.bamjava.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BestConstantTest {

  private static List<Example> labelled(String... labels) {
    return MajorityClassTest.labelled(labels);
  }

  @Test
  void isTheDevRowsMajorityWhereTheTrainingMajorityIsTheirMinority() {
    Task task = Task.builder("entailment", TaskKind.Classification.of("entailment", "not_entailment"))
        .setTrain(labelled("not_entailment", "not_entailment", "entailment"))
        .optDev(labelled("entailment", "entailment", "not_entailment", "entailment"))
        .build();

    assertThat(MajorityClass.of(task).orElseThrow().score(task, task.dev()).get("accuracy")).isEqualTo(0.25);
    assertThat(BestConstant.score(task, task.dev()).orElseThrow()).containsExactly(Map.entry("accuracy", 0.75));
  }

  @Test
  void choosesByTheMeanOfTheTasksMetricsNotByAccuracyAlone() {
    Task task = Task.builder("paraphrase", TaskKind.Classification.of("no", "yes"))
        .setTrain(labelled("no", "yes"))
        .optDev(labelled("no", "no", "no", "yes", "yes"))
        .optMetrics(TaskMetrics.ACCURACY, TaskMetrics.F1)
        .build();

    // always "no": accuracy 0.6, F1 0 (mean 0.3); always "yes": accuracy 0.4, F1 2·0.4/1.4 (mean 0.49)
    Map<String, Double> best = BestConstant.score(task, task.dev()).orElseThrow();
    assertThat(best.keySet()).containsExactly("accuracy", "f1");
    assertThat(best.get("accuracy")).isCloseTo(0.4, within(1e-12));
    assertThat(best.get("f1")).isCloseTo(0.8 / 1.4, within(1e-12));
  }

  @Test
  void regressionHasNoneAndNoRowsIsAnError() {
    Task regression = Task.builder("score", new TaskKind.Regression(0, 5))
        .setTrain(labelled("1.0", "2.5")).optDev(labelled("3.0", "4.0")).build();
    assertThat(BestConstant.score(regression, regression.dev())).isEmpty();

    Task task = Task.builder("binary", TaskKind.Classification.of("a", "b")).setTrain(labelled("a")).build();
    assertThatThrownBy(() -> BestConstant.score(task, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("binary");
  }
}
