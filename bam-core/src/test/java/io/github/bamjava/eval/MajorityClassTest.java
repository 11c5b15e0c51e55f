package io.github.bamjava.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MajorityClassTest {

  /** Examples "e0", "e1", … with the given labels, for constant-answer tests. */
  static List<Example> labelled(String... labels) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      out.add(Example.of("e" + i, "text " + i, labels[i]));
    }
    return out;
  }

  @Test
  void isTheMostFrequentTrainingLabelScoredOnDev() {
    Task task = Task.builder("paraphrase", TaskKind.Classification.of("no", "yes"))
        .setTrain(labelled("yes", "yes", "no", "yes"))
        .optDev(labelled("yes", "no", "yes", "yes", "no"))
        .optMetrics(TaskMetrics.ACCURACY, TaskMetrics.F1, TaskMetrics.MATTHEWS)
        .build();

    MajorityClass majority = MajorityClass.of(task).orElseThrow();
    assertThat(majority.label()).isEqualTo("yes");
    assertThat(majority.index()).isEqualTo(1);
    assertThat(majority.trainShare()).isEqualTo(0.75);
    // always "yes" on 3 yes + 2 no: accuracy 3/5, F1 of the positive class 2·(3/5)·1/(3/5 + 1) = 0.75
    Map<String, Double> score = majority.score(task, task.dev());
    assertThat(score.keySet()).containsExactly("accuracy", "f1", "matthews");
    assertThat(score.get("accuracy")).isCloseTo(0.6, within(1e-12));
    assertThat(score.get("f1")).isCloseTo(0.75, within(1e-12));
    assertThat(score.get("matthews")).isZero();   // a constant prediction: 0 by convention
  }

  @Test
  void aTieGoesToTheFirstLabelAndRegressionHasNone() {
    Task tie = Task.builder("tie", TaskKind.Classification.of("a", "b", "c"))
        .setTrain(labelled("c", "b", "b", "c")).build();
    assertThat(MajorityClass.of(tie).orElseThrow().label()).isEqualTo("b");

    Task regression = Task.builder("score", new TaskKind.Regression(0, 5))
        .setTrain(labelled("1.0", "2.5")).build();
    assertThat(MajorityClass.of(regression)).isEmpty();
  }
}
