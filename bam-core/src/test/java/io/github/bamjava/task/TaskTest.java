package io.github.bamjava.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskTest {

  private static final TaskKind.Classification NLI =
      TaskKind.Classification.of("entailment", "neutral", "contradiction");
  private static final TaskKind.Regression STS = new TaskKind.Regression(0, 5);

  private static Task nli(Example... train) {
    return Task.builder("nli", NLI).setTrain(List.of(train)).build();
  }

  private static Task sts(Example... train) {
    return Task.builder("sts", STS).setTrain(List.of(train)).build();
  }

  @Test
  void classificationTargetIsTheLabelsIndex() {
    Task task = nli(Example.pair("a", "x", "y", "entailment"), Example.pair("b", "x", "z", "contradiction"));
    assertThat(task.target(task.train().get(0))).isEqualTo(0f);
    assertThat(task.target(task.train().get(1))).isEqualTo(2f);
    assertThat(task.target(Example.of("c", "q", "neutral"))).isEqualTo(1f);
    assertThat(task.gold(task.train().get(1))).isEqualTo(2.0);
  }

  @Test
  void regressionTargetIsScaledToZeroOne() {
    Task task = sts(Example.of("a", "x", "3.8"), Example.of("b", "y", "0"), Example.of("c", "z", " 5.000 "));
    // (3.8 − 0) / (5 − 0) = 0.76; 0 -> 0; 5 -> 1 (surrounding spaces are trimmed).
    assertThat(task.target(task.train().get(0))).isEqualTo(0.76f);
    assertThat(task.target(task.train().get(1))).isEqualTo(0f);
    assertThat(task.target(task.train().get(2))).isEqualTo(1f);
    // Metrics see the label on its own scale.
    assertThat(task.gold(task.train().get(0))).isEqualTo(3.8);
    // On [1, 5]: (2 − 1) / (5 − 1) = 0.25.
    Task shifted = Task.builder("shifted", new TaskKind.Regression(1, 5))
        .setTrain(List.of(Example.of("a", "x", "2"))).build();
    assertThat(shifted.target(shifted.train().get(0))).isEqualTo(0.25f);
  }

  @Test
  void defaultMetricFollowsTheKind() {
    assertThat(nli(Example.of("a", "x", "neutral")).metrics()).containsExactly(TaskMetrics.ACCURACY);
    assertThat(sts(Example.of("a", "x", "1")).metrics()).containsExactly(TaskMetrics.PEARSON);
  }

  @Test
  void emptyTrainingSetIsAnErrorNamingTheTask() {
    assertThatThrownBy(() -> Task.builder("cola", NLI).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task cola has no training examples");
  }

  @Test
  void labelOutsideTheLabelSpaceIsAnErrorNamingExampleAndLabel() {
    assertThatThrownBy(() -> nli(Example.of("a", "x", "neutral"), Example.of("row-17", "y", "entailed")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task nli")
        .hasMessageContaining("row-17")
        .hasMessageContaining("'entailed'")
        .hasMessageContaining("[entailment, neutral, contradiction]");
  }

  @Test
  void badLabelInDevIsCaughtToo() {
    assertThatThrownBy(() -> Task.builder("nli", NLI).setTrain(List.of(Example.of("a", "x", "neutral")))
        .optDev(List.of(Example.of("d3", "x", "maybe"))).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("d3")
        .hasMessageContaining("'maybe'");
  }

  @Test
  void regressionLabelOutsideTheRangeIsAnError() {
    assertThatThrownBy(() -> sts(Example.of("s9", "x", "5.5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s9")
        .hasMessageContaining("5.5")
        .hasMessageContaining("[0.0, 5.0]");
    assertThatThrownBy(() -> sts(Example.of("s1", "x", "-0.1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-0.1");
    assertThatThrownBy(() -> sts(Example.of("s2", "x", "NaN")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s2");
  }

  @Test
  void regressionLabelThatIsNotANumberIsAnError() {
    assertThatThrownBy(() -> sts(Example.of("s4", "x", "high")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task sts: example s4 has label 'high', not a number");
  }

  @Test
  void unlabelledTrainingExampleIsAnError() {
    assertThatThrownBy(() -> nli(Example.of("u1", "x", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("train example u1 has no label");
  }

  @Test
  void testSplitMayBeUnlabelled() {
    Task task = Task.builder("nli", NLI).setTrain(List.of(Example.of("a", "x", "neutral")))
        .optTest(List.of(Example.of("t1", "x", null))).build();
    assertThat(task.test()).hasSize(1);
  }

  @Test
  void duplicateIdsInASplitAreAnError() {
    assertThatThrownBy(() -> nli(Example.of("7", "x", "neutral"), Example.of("7", "y", "entailment")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate example id '7' in train");
    // The same id in two splits is fine.
    Task task = Task.builder("nli", NLI).setTrain(List.of(Example.of("7", "x", "neutral")))
        .optDev(List.of(Example.of("7", "x", "neutral"))).build();
    assertThat(task.dev()).hasSize(1);
  }

  @Test
  void badTaskNameIsAnErrorNamingIt() {
    assertThatThrownBy(() -> Task.builder("my task", NLI))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'my task'");
    assertThatThrownBy(() -> Task.builder("../x", NLI))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'../x'");
    assertThatThrownBy(() -> Task.builder("", NLI)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Task.builder("SST-2_v1", NLI).setTrain(List.of(Example.of("a", "x", "neutral"))).build().name())
        .isEqualTo("SST-2_v1");
  }

  @Test
  void taskKindsRejectBadLabelSpacesAndRanges() {
    assertThatThrownBy(() -> TaskKind.Classification.of("only"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2 labels");
    assertThatThrownBy(() -> TaskKind.Classification.of("a", "b", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate label names");
    assertThatThrownBy(() -> new TaskKind.Regression(5, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[5.0, 5.0]");
    assertThatThrownBy(() -> new TaskKind.Regression(0, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(NLI.outputSize()).isEqualTo(3);
    assertThat(STS.outputSize()).isEqualTo(1);
    // unscale undoes scale: 0.76 · 5 = 3.8.
    assertThat(STS.unscale(STS.scale(3.8))).isEqualTo(3.8);
  }

  @Test
  void taskKindSurvivesItsJsonForm() {
    assertThat(TaskKinds.fromJson(TaskKinds.toJson(NLI))).isEqualTo(NLI);
    assertThat(TaskKinds.fromJson(TaskKinds.toJson(STS))).isEqualTo(STS);
  }

  @Test
  void exampleNeedsIdAndText() {
    assertThatThrownBy(() -> Example.of("", "x", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id must not be empty");
    assertThatThrownBy(() -> Example.of("a", null, "1")).isInstanceOf(NullPointerException.class);
    assertThat(Example.pair("a", "x", "y", null).isPair()).isTrue();
    assertThat(Example.of("a", "x", null).isLabelled()).isFalse();
  }

  @Test
  void aTaskReadsWhatItsTrainingExamplesAre() {
    Example pair = Example.pair("a", "x", "y", "entailment");
    Example single = Example.of("b", "x", "neutral");
    assertThat(nli(pair).inputs()).isEqualTo(Inputs.PAIR);
    assertThat(nli(single).inputs()).isEqualTo(Inputs.SENTENCE);
    assertThat(nli(pair, single).inputs()).isEqualTo(Inputs.EITHER);
    assertThat(Inputs.PAIR.accepts(pair)).isTrue();
    assertThat(Inputs.PAIR.accepts(single)).isFalse();
    assertThat(Inputs.SENTENCE.accepts(pair)).isFalse();
    assertThat(Inputs.EITHER.accepts(pair) && Inputs.EITHER.accepts(single)).isTrue();
    for (Inputs i : Inputs.values()) {
      assertThat(Inputs.fromJsonName(i.jsonName())).isEqualTo(i);
    }
    assertThatThrownBy(() -> Inputs.fromJsonName("PAIR")).hasMessageContaining("got \"PAIR\"");
  }
}
