package io.github.bamjava.glue.study;

import io.github.bamjava.task.TrainCap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.glue.Preset;
import io.github.bamjava.glue.TrainBudget;
import io.github.bamjava.model.HeadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which examples a study keeps and which runs wait on which. */
class StudyPlanTest {

  private static final List<String> TASKS = List.of("RTE", "MRPC");

  @Test
  void theLearningStudyKeepsShortTasksLongerAndScoresWholeDevSets() {
    StudyConfig s = StudyConfig.of(Path.of("glue"), Path.of("study"));
    TrainBudget budget = s.trainBudget();

    assertThat(budget.capOf(GlueTask.COLA)).isEqualTo(TrainCap.all());
    assertThat(budget.capOf(GlueTask.SST2)).isEqualTo(TrainCap.random(7000, Preset.CAP_SEED));
    assertThat(budget.capOf(GlueTask.RTE)).isEqualTo(TrainCap.random(2000, Preset.CAP_SEED));
    assertThat(s.devSelection().limit()).isEqualTo(1000); // glue-lite's dev sets have at most 1000 rows
  }

  @Test
  void theDocumentedStudyKeepsTheSettingsItsCommittedStudyJsonRecorded() throws IOException {
    // Seeds of one study must be one experiment: a preset change (its heads changed after seed 3) must not
    // reach the study, whose runs would otherwise start afresh or, worse, mix settings across seeds.
    Path recorded = Path.of("..", "docs", "study", "learning", "study.json");
    JsonObject json = JsonParser.parseString(Files.readString(recorded)).getAsJsonObject();

    StudyConfig documented = StudyConfig.of(Path.of("glue"), Path.of("study"));
    JsonObject now = documented.settingsJson();

    assertThat(now.get("preset")).isEqualTo(json.get("preset"));
    // Field for field, in the order the study wrote them: the file is rewritten only when it reads differently.
    assertThat(now.get("preset").toString()).isEqualTo(json.get("preset").toString());
    assertThat(now.get("devCap")).isEqualTo(json.get("devCap"));
    assertThat(documented.pipeline().recipe().heads()).isEqualTo(HeadOptions.DEFAULT);
  }

  @Test
  void theReportsPlanIsTheCommittedPlan() throws IOException {
    // docs/study/plan.md was fixed before the runs it governs: the families the report computes must be its own.
    String plan = Files.readString(Path.of("..", "docs", "study", "plan.md"));
    int total = 0;
    int tableOne = 0;
    for (AnalysisPlan.Family f : AnalysisPlan.FAMILIES) {
      assertThat(plan).contains("### " + f.id() + " — ");
      total += f.comparisons().size();
      for (AnalysisPlan.Planned c : f.comparisons()) {
        tableOne += AnalysisPlan.inTableOne(f, c) ? 1 : 0;
      }
    }
    assertThat(tableOne).isEqualTo(9);
    assertThat(plan).contains("Holm over all nine");
    assertThat(total).isEqualTo(18);
    assertThat(plan).contains("every comparison of P1–P5, Holm over all of them (18)");
    assertThat(AnalysisPlan.P4.comparisons()).allMatch(c -> c.paperSign() < 0);
    assertThat(AnalysisPlan.familiesOf(true)).containsExactly(AnalysisPlan.P2);
  }

  @Test
  void theTablesTestThePlansFamiliesSoTheirMarksAreThePlansVerdicts() {
    // A table's Holm family is its comparisons: a table with fewer than its family would mark a cell the plan
    // does not call shown.
    assertThat(pairs(StudyReport.MAIN)).containsExactlyInAnyOrderElementsOf(pairs(AnalysisPlan.P1));
    assertThat(pairs(StudyReport.MAIN)).containsExactlyInAnyOrderElementsOf(pairs(AnalysisPlan.P2));
    assertThat(pairs(StudyReport.BORN_AGAIN)).containsExactlyInAnyOrderElementsOf(pairs(AnalysisPlan.P3));
    assertThat(pairs(StudyReport.ABLATIONS)).containsExactlyInAnyOrderElementsOf(pairs(AnalysisPlan.P4));
    assertThat(pairs(StudyReport.FINETUNING)).containsExactlyInAnyOrderElementsOf(pairs(AnalysisPlan.P5));
  }

  private static List<StudyReport.Pair> pairs(StudyReport.Table table) {
    return table.comparisons();
  }

  private static List<StudyReport.Pair> pairs(AnalysisPlan.Family family) {
    return family.comparisons().stream().map(c -> new StudyReport.Pair(c.a(), c.b())).toList();
  }

  @Test
  void studentsWaitOnTheirTeachersAndFineTuningOnItsStartingModel() {
    assertThat(new StudyJob(StudyMethod.BAM_GOLD_EPOCH, 2, null).dependencies(TASKS))
        .containsExactly(new StudyJob(StudyMethod.BAM, 2, null));
    assertThat(new StudyJob(StudyMethod.SINGLE, 1, "RTE").dependencies(TASKS)).isEmpty();
    assertThat(new StudyJob(StudyMethod.MULTI, 1, null).dependencies(TASKS)).isEmpty();
    assertThat(new StudyJob(StudyMethod.SINGLE_SINGLE, 2, "RTE").dependencies(TASKS))
        .containsExactly(new StudyJob(StudyMethod.SINGLE, 2, "RTE"));
    assertThat(new StudyJob(StudyMethod.MULTI_MULTI, 2, null).dependencies(TASKS))
        .containsExactly(new StudyJob(StudyMethod.MULTI, 2, null));
    assertThat(new StudyJob(StudyMethod.LAMBDA_HALF, 3, null).dependencies(TASKS))
        .containsExactly(new StudyJob(StudyMethod.SINGLE, 3, "RTE"), new StudyJob(StudyMethod.SINGLE, 3, "MRPC"));
    assertThat(new StudyJob(StudyMethod.BAM_FINETUNED, 3, "MRPC").dependencies(TASKS))
        .containsExactly(new StudyJob(StudyMethod.BAM, 3, null));
  }

  @Test
  void jobsLiveUnderMethodSeedAndTask() {
    Path study = Path.of("s");

    assertThat(new StudyJob(StudyMethod.BAM, 4, null).dir(study)).isEqualTo(Path.of("s/bam/seed-4"));
    assertThat(new StudyJob(StudyMethod.SINGLE, 4, "RTE").dir(study)).isEqualTo(Path.of("s/single/seed-4/RTE"));
    assertThat(new StudyJob(StudyMethod.SINGLE, 4, "RTE").name()).isEqualTo("single/seed-4/RTE");
  }

  @Test
  void onlyTeachersWritePredictionsOnTrainingExamplesAndOnlyStartingPointsKeepTheirModels() {
    assertThat(StudyMethod.SINGLE.teaches()).isTrue();
    assertThat(StudyMethod.MULTI.teaches()).isTrue();
    assertThat(StudyMethod.BAM.teaches()).isFalse();
    assertThat(StudyMethod.BAM.modelKept()).isTrue();
    assertThat(StudyMethod.MULTI.modelKept()).isTrue();
    assertThat(StudyMethod.SINGLE.modelKept()).isFalse();
    assertThat(StudyMethod.byDirName("bam-lambda-0.5")).isEqualTo(StudyMethod.LAMBDA_HALF);
    assertThatThrownBy(() -> StudyMethod.byDirName("nope")).hasMessageContaining("nope");
  }
}
