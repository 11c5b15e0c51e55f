package io.github.bamjava.glue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetric;
import io.github.bamjava.task.TaskMetrics;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GlueTaskTest {

  @Test
  void directoriesLabelsAndMetrics() {
    assertThat(Arrays.stream(GlueTask.values()).map(GlueTask::dirName))
        .containsExactly("CoLA", "SST-2", "MRPC", "STS-B", "QQP", "MNLI", "QNLI", "RTE", "WNLI");
    assertThat(GlueTask.MNLI.labels()).containsExactly("entailment", "neutral", "contradiction");
    assertThat(GlueTask.RTE.labels()).containsExactly("entailment", "not_entailment");
    assertThat(GlueTask.QQP.labels()).containsExactly("0", "1");
    assertThat(GlueTask.STSB.kind()).isEqualTo(new TaskKind.Regression(0, 5));
    assertThat(GlueTask.COLA.metrics()).containsExactly(TaskMetrics.MATTHEWS);
    assertThat(GlueTask.MRPC.metrics()).containsExactly(TaskMetrics.F1, TaskMetrics.ACCURACY);
    assertThat(GlueTask.QQP.metrics()).containsExactly(TaskMetrics.F1, TaskMetrics.ACCURACY);
    assertThat(GlueTask.STSB.metrics()).extracting(TaskMetric::name).containsExactly("pearson", "spearman");
    for (GlueTask t : List.of(GlueTask.SST2, GlueTask.MNLI, GlueTask.QNLI, GlueTask.RTE, GlueTask.WNLI)) {
      assertThat(t.metrics()).containsExactly(TaskMetrics.ACCURACY);
    }
    assertThat(Arrays.stream(GlueTask.values()).filter(GlueTask::symmetricPair))
        .containsExactly(GlueTask.MRPC, GlueTask.STSB);
  }

  @Test
  void evaluationSetsAndSubmissionFiles() {
    assertThat(Arrays.stream(GlueEvalSet.values()).map(GlueEvalSet::submissionFile)).containsExactly(
        "CoLA.tsv", "SST-2.tsv", "MRPC.tsv", "STS-B.tsv", "QQP.tsv", "MNLI-m.tsv", "MNLI-mm.tsv", "QNLI.tsv",
        "RTE.tsv", "WNLI.tsv", "AX.tsv");
    assertThat(GlueTask.MNLI.evalSets()).containsExactly(GlueEvalSet.MNLI_M, GlueEvalSet.MNLI_MM, GlueEvalSet.AX);
    assertThat(GlueTask.MNLI.primaryEvalSet()).isEqualTo(GlueEvalSet.MNLI_M);
    for (GlueTask t : GlueTask.values()) {
      assertThat(t.primaryEvalSet().task()).isEqualTo(t);
    }
    assertThat(GlueEvalSet.AX.devFile()).isEmpty();
    assertThat(GlueEvalSet.AX.testFile()).isEqualTo("diagnostic/diagnostic.tsv");
  }

  @Test
  void byName() {
    assertThat(GlueTask.byName("sts-b")).isEqualTo(GlueTask.STSB);
    assertThat(GlueTask.byName("SST2")).isEqualTo(GlueTask.SST2);
    assertThatThrownBy(() -> GlueTask.byName("SNLI")).hasMessageContaining("unknown GLUE task 'SNLI'");
  }
}
