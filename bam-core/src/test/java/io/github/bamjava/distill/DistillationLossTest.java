package io.github.bamjava.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.testing.EngineManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two tasks, a 3-label classification (task 0) and a regression on [0, 5] (task 1), and a mixed batch of three
 * examples: example 0 and 2 belong to task 0, example 1 to task 1.
 */
@ExtendWith(EngineManager.class)
class DistillationLossTest {

  private static final List<TaskKind> KINDS =
      List.of(TaskKind.Classification.of("a", "b", "c"), new TaskKind.Regression(0, 5));
  private static final int[] TASK_OF_EXAMPLE = {0, 1, 0};
  private static final float LN2 = (float) Math.log(2);

  private NDManager manager;

  // ------------------------------------------------------------------------------------ annealed targets

  @Test
  void classificationTargetMixesGoldAndTeacher() {
    // λ = 0.5, gold = 2, teacher (0.2, 0.3, 0.5): 0.5·(0.2, 0.3, 0.5) + 0.5·(0, 0, 1) = (0.1, 0.15, 0.75).
    float[] target = AnnealedTarget.classification(2, 3, new float[] {0.2f, 0.3f, 0.5f}, 0.5);
    assertThat(target).containsExactly(new float[] {0.1f, 0.15f, 0.75f}, within(1e-7f));
    // λ = 0: the teacher alone; λ = 1: the gold one-hot alone; no teacher: the one-hot.
    assertThat(AnnealedTarget.classification(2, 3, new float[] {0.2f, 0.3f, 0.5f}, 0))
        .containsExactly(0.2f, 0.3f, 0.5f);
    assertThat(AnnealedTarget.classification(2, 3, new float[] {0.2f, 0.3f, 0.5f}, 1))
        .containsExactly(0f, 0f, 1f);
    assertThat(AnnealedTarget.classification(0, 3, null, 0.3)).containsExactly(1f, 0f, 0f);
  }

  @Test
  void regressionTargetMixesGoldAndTeacher() {
    // λ = 0.25, gold 0.6, teacher 0.2: 0.25·0.6 + 0.75·0.2 = 0.15 + 0.15 = 0.3.
    assertThat(AnnealedTarget.regression(0.6f, new float[] {0.2f}, 0.25)[0]).isCloseTo(0.3f, within(1e-7f));
    // No teacher (NaN): the gold value whatever λ.
    assertThat(AnnealedTarget.regression(0.6f, null, 0.25)).containsExactly(0.6f);
    // NaN is never a marker: a NaN teacher value is corruption.
    assertThatThrownBy(() -> AnnealedTarget.regression(0.6f, new float[] {Float.NaN}, 0.25))
        .hasMessageContaining("not a finite number");
  }

  @Test
  void badClassificationTargetsAreErrors() {
    assertThatThrownBy(() -> AnnealedTarget.classification(3, 3, null, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gold label 3 outside [0, 3)");
    assertThatThrownBy(() -> AnnealedTarget.classification(0, 3, new float[] {0.5f, 0.5f}, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 probabilities for 3 labels");
  }

  // ------------------------------------------------------------------------------------------------- loss

  /** Logits of the classification head [3, 3] and outputs of the regression head [3, 1]. */
  private NDList outputs(float[] otherRowsLogits, float otherRegression0, float otherRegression2) {
    float[] logits = new float[9];
    // Example 0: logits (0, 0, 0) -> p = (1/3, 1/3, 1/3).
    System.arraycopy(otherRowsLogits, 0, logits, 3, 3); // example 1 is not task 0's
    // Example 2: logits (ln 2, 0, 0) -> exp = (2, 1, 1), p = (1/2, 1/4, 1/4).
    logits[6] = LN2;
    // Example 1's regression output 0.8; examples 0 and 2 are not task 1's.
    float[] regression = {otherRegression0, 0.8f, otherRegression2};
    return new NDList(manager.create(logits, new Shape(3, 3)), manager.create(regression, new Shape(3, 1)));
  }

  private DistillationLoss.Targets targets(DistillationLoss loss) {
    return loss.targets(manager, TASK_OF_EXAMPLE, List.of(
        // Example 0: gold 2, teacher (0.2, 0.3, 0.5), λ 0.5 -> (0.1, 0.15, 0.75).
        AnnealedTarget.classification(2, 3, new float[] {0.2f, 0.3f, 0.5f}, 0.5),
        // Example 1: gold 3 on [0, 5] -> 0.6, teacher 0.4, λ 0.5 -> 0.5.
        AnnealedTarget.regression(0.6f, new float[] {0.4f}, 0.5),
        // Example 2: gold 0, no teacher -> (1, 0, 0).
        AnnealedTarget.classification(0, 3, null, 0.5)));
  }

  @Test
  void lossOfAMixedBatchMatchesHandComputation() {
    DistillationLoss loss = new DistillationLoss(KINDS, new float[] {1f, 1f});
    NDArray perTask = loss.perTask(outputs(new float[] {5f, -5f, 0f}, 0.1f, 0.9f), targets(loss));

    // Task 0: example 0: −Σ t·log p = (0.1 + 0.15 + 0.75)·ln 3 = ln 3 = 1.0986123
    //         example 2: −1·log(1/2) = ln 2 = 0.6931472          sum ln 6 = 1.7917595
    // Task 1: example 1: (0.8 − 0.5)² = 0.09
    float[] sums = perTask.toFloatArray();
    assertThat(sums[0]).isCloseTo((float) Math.log(6), within(1e-5f));
    assertThat(sums[1]).isCloseTo(0.09f, within(1e-6f));
    // Total: (1.7917595 + 0.09) / 3 = 0.6272532.
    assertThat(DistillationLoss.total(perTask, 3).getFloat()).isCloseTo(0.6272532f, within(1e-5f));
  }

  @Test
  void taskWeightsScaleEachTasksSum() {
    DistillationLoss loss = new DistillationLoss(KINDS, new float[] {2f, 0.5f});
    NDArray perTask = loss.perTask(outputs(new float[] {5f, -5f, 0f}, 0.1f, 0.9f), targets(loss));

    // 2 · ln 6 = 3.5835189; 0.5 · 0.09 = 0.045; total (3.5835189 + 0.045) / 3 = 1.2095063.
    float[] sums = perTask.toFloatArray();
    assertThat(sums[0]).isCloseTo(3.5835189f, within(1e-5f));
    assertThat(sums[1]).isCloseTo(0.045f, within(1e-6f));
    assertThat(DistillationLoss.total(perTask, 3).getFloat()).isCloseTo(1.2095063f, within(1e-5f));
  }

  @Test
  void examplesOfOtherTasksContributeNothing() {
    DistillationLoss loss = new DistillationLoss(KINDS, new float[] {1f, 1f});
    float[] calm = loss.perTask(outputs(new float[] {0f, 0f, 0f}, 0.5f, 0.5f), targets(loss)).toFloatArray();
    // Wild outputs on the rows each head does not own: same sums, bit for bit.
    float[] wild = loss.perTask(outputs(new float[] {80f, -80f, 3f}, -40f, 1000f), targets(loss))
        .toFloatArray();
    assertThat(wild).containsExactly(calm);
  }

  @Test
  void aTaskWithNoExampleInTheBatchHasZeroLoss() {
    DistillationLoss loss = new DistillationLoss(KINDS, new float[] {1f, 1f});
    DistillationLoss.Targets onlyClassification = loss.targets(manager, new int[] {0, 0, 0}, List.of(
        AnnealedTarget.classification(0, 3, null, 1), AnnealedTarget.classification(0, 3, null, 1),
        AnnealedTarget.classification(0, 3, null, 1)));
    float[] sums = loss.perTask(outputs(new float[] {0f, 0f, 0f}, 0.3f, 0.3f), onlyClassification)
        .toFloatArray();
    // Task 0: rows (0,0,0), (0,0,0), (ln 2,0,0) with gold 0: ln 3 + ln 3 + ln 2 = ln 18 = 2.8903718.
    assertThat(sums[0]).isCloseTo((float) Math.log(18), within(1e-5f));
    assertThat(sums[1]).isEqualTo(0f);
  }

  @Test
  void badShapesAndWeightsAreErrors() {
    assertThatThrownBy(() -> new DistillationLoss(KINDS, new float[] {1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 tasks but 1 weights");
    assertThatThrownBy(() -> new DistillationLoss(KINDS, new float[] {1f, -1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1.0");
    DistillationLoss loss = new DistillationLoss(KINDS, new float[] {1f, 1f});
    assertThatThrownBy(() -> loss.targets(manager, new int[] {0, 1}, List.of(new float[] {1f, 0f, 0f},
        new float[] {0.5f, 0.5f, 0f})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("example 1 of task 1 has a target of size 3, expected 1");
    assertThatThrownBy(() -> loss.targets(manager, new int[] {0, 1}, List.of(new float[] {1f, 0f, 0f})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 examples but 1 targets");
  }
}
