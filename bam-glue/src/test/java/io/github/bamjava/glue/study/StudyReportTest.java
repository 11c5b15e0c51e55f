package io.github.bamjava.glue.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of a hand-made study whose scores are known exactly. */
class StudyReportTest {

  private static final int DEV = 40;
  /** SST-2's majority class is label 1, RTE's label 0; the dev labels alternate, so both score 0.5. */
  private static final String STUDY_JSON = "{\"tasks\": {"
      + "\"SST-2\": {\"train\": 1, \"dev\": 40, \"majority\": {\"label\": \"1\", \"index\": 1}},"
      + " \"RTE\": {\"train\": 1, \"dev\": 40, \"majority\": {\"label\": \"entailment\", \"index\": 0}}}}";

  @TempDir Path study;

  /**
   * Two tasks, three seeds. Single gets 20, 21 and 22 of 40 dev examples right on each task (accuracy 0.5,
   * 0.525, 0.55); Multi gets all of them right. Seed 3 of Multi is unfinished on purpose.
   */
  private void writeStudy(boolean multiSeed3) throws IOException {
    Files.writeString(study.resolve("study.json"), STUDY_JSON);
    for (int seed = 1; seed <= 3; seed++) {
      for (String task : List.of("SST-2", "RTE")) {
        Path single = study.resolve("single/seed-" + seed + "/" + task);
        predictions(19 + seed).write(single.resolve("dev/" + task + ".tsv"));
        Files.writeString(single.resolve(StudyJob.DONE), "{\"job_seconds\": 10}");
      }
      if (seed < 3 || multiSeed3) {
        multiTask("multi", seed, DEV);
      }
    }
  }

  /** A finished multi-task job whose model gets the first {@code right} dev examples of each task right. */
  private void multiTask(String method, int seed, int right) throws IOException {
    Path dir = study.resolve(method + "/seed-" + seed);
    for (String task : List.of("SST-2", "RTE")) {
      predictions(right).write(dir.resolve("dev/" + task + ".tsv"));
    }
    Files.writeString(dir.resolve(StudyJob.DONE), "{\"job_seconds\": 30}");
  }

  /** Dev predictions with the first {@code right} examples right (labels alternate 1, 0). */
  private static DevPredictions predictions(int right) {
    List<String> ids = new ArrayList<>();
    double[] gold = new double[DEV];
    double[] predicted = new double[DEV];
    for (int i = 0; i < DEV; i++) {
      ids.add("e" + i);
      gold[i] = (i + 1) % 2;
      predicted[i] = i < right ? gold[i] : 1 - gold[i];
    }
    return new DevPredictions(ids, gold, predicted);
  }

  /** The two-sided p of a t statistic with 2 degrees of freedom: 1 − t/√(t² + 2). */
  private static double pTwoDegrees(double tSquared) {
    return 1 - Math.sqrt(tSquared / (tSquared + 2));
  }

  @Test
  void tablesShowTheMajorityBaselineMeanAndStdOverSeedsAndMarksFromTheHolmAdjustedPairedT() throws IOException {
    writeStudy(true);

    Path md = StudyReport.write(study, 199);

    String text = Files.readString(md);
    assertThat(text).contains(
        "| Method | n | vs | SST-2 | RTE | **Avg (2 tasks: SST-2, RTE; no CoLA, no MRPC, no STS-B, no QQP,"
            + " no MNLI, no QNLI, no WNLI)** |",
        "| Majority class | – |  | 50.0 | 50.0 | **50.0** |",
        "| Floor (best of the baselines) | – |  | 50.0 | 50.0 | **50.0** |",
        // 2.5 points over the floor with a spread of 2.5 at three seeds: one-sided p 0.11, not shown to clear it.
        "| Single | 3 |  | 52.5 ± 2.5 † | 52.5 ± 2.5 † | **52.5 ± 2.5** |",
        "| Multi | 3 | Single | 100.0 ± 0.0* | 100.0 ± 0.0* | **100.0 ± 0.0*** |",
        "#### Methods (the paper's Table 1: Single, Multi, BAM): 1 comparison; Holm family of 1 average (primary),"
            + " of 2 tasks per comparison (secondary)",
        // Differences 20, 19, 18 (of 40): t = 19√3, p = 1 − √(1083/1085) = 0.0009; the only average: Holm
        // leaves it. Three seeds against three, separated: the exact MWU p is 0.10. Every resample favours
        // Multi: p_boot = 2 / 200.
        "| Multi | Single | **Avg (2 tasks)** | 3 | +47.5 | <0.001 | <0.001* | 0.100 | 0.100 | 0.010 | [+",
        // The two tasks are one family: Holm doubles each p.
        "| Multi | Single | RTE | 3 | +47.5 | <0.001 | 0.002* | 0.100 | 0.200 | 0.010 | [+",
        "p_boot, 95% interval** (secondary: over dev examples, models fixed)",
        "| Single | 60 |", "| Multi | 90 |");
    assertThat(study.resolve("report/img/methods.svg")).isRegularFile();
    String json = Files.readString(study.resolve("report/results.json"));
    assertThat(json).contains("\"single\"", "\"average\": \"Avg (2 tasks: SST-2, RTE;", "\"majority_class\"",
        "\"p_t_holm\"", "\"p_mwu\"", "\"p_boot\"");
  }

  @Test
  void thePlanTestsItsComparisonsInItsFamiliesAndGivesEachAVerdictOnThePapersSide() throws IOException {
    writeStudy(true);
    // BAM gets 30, 30 and 31 of 40 right: ahead of Single, behind Multi.
    multiTask("bam", 1, 30);
    multiTask("bam", 2, 30);
    multiTask("bam", 3, 31);

    List<PlanReport.Row> rows = PlanReport.rows(List.of(
        new PlanReport.Source("fixed", StudyReport.read(study, 9), false)));

    // Only P1 has runs here: BAM − Single, BAM − Multi, Multi − Single, in the plan's order.
    assertThat(rows).extracting(r -> r.family().id()).containsExactly("P1", "P1", "P1");
    assertThat(rows).extracting(PlanReport.Row::verdict)
        .containsExactly("holds", "opposite shown", "holds");
    PlanReport.Row bamVsMulti = rows.get(1);
    // Per seed −10, −10, −9 of 40: mean −0.2417, sd 0.0144; 95 % interval ± t(0.975, 2) · sd / √3.
    assertThat(bamVsMulti.difference()).isCloseTo(-29.0 / 120, within(1e-12));
    double half = 4.302652729749464 * Math.sqrt(1.0 / 3 / 1600) / Math.sqrt(3);
    assertThat(bamVsMulti.low()).isCloseTo(-29.0 / 120 - half, within(1e-9));
    assertThat(bamVsMulti.high()).isCloseTo(-29.0 / 120 + half, within(1e-9));
    // One family of three, and S1 and S2 hold the same three here: all three adjustments agree.
    for (PlanReport.Row r : rows) {
      assertThat(r.holmS1()).isEqualTo(r.holmPlan());
      assertThat(r.holmS2()).isEqualTo(r.holmPlan());
    }
    assertThat(PlanReport.markdown(rows)).contains("| P1 | Multi − Single | fixed | 3 | +47.5 |");
  }

  @Test
  void aStudyWithDrawsPerSeedIsTestedInTheConfirmatoryFamilyAndJoinsTheStrictFamiliesOfItsCompanion()
      throws IOException {
    writeStudy(true);
    Path draws = study.resolveSibling(study.getFileName() + "-draws");
    Files.createDirectories(draws);
    for (int seed = 1; seed <= 3; seed++) {
      for (String method : List.of("multi", "single")) {
        Path dir = draws.resolve(method + "/seed-" + seed);
        for (String task : List.of("SST-2", "RTE")) {
          Path job = method.equals("single") ? dir.resolve(task) : dir;
          predictions(method.equals("single") ? 20 + seed : 38).write(job.resolve("dev/" + task + ".tsv"));
          Files.writeString(job.resolve(StudyJob.DONE), "{\"job_seconds\": 10}");
        }
      }
    }
    Files.writeString(draws.resolve("study.json"), STUDY_JSON.replace("{\"tasks\"",
        "{\"train_draw\": \"per-seed\", \"tasks\""));

    List<PlanReport.Row> rows = PlanReport.rows(List.of(
        new PlanReport.Source("fixed", StudyReport.read(study, 9), false),
        new PlanReport.Source("draws", StudyReport.read(draws, 9), true)));

    assertThat(rows).extracting(r -> r.family().id() + " " + r.study()).containsExactly("P1 fixed", "P2 draws");
    // Each family holds one comparison (Holm leaves it); S2 holds both; S1 only the fixed-subset one.
    assertThat(rows.get(1).holmPlan()).isEqualTo(rows.get(1).pT());
    assertThat(rows.get(1).holmS1()).isNaN();
    double[] both = io.github.bamjava.glue.study.significance.Holm.adjust(rows.get(0).pT(), rows.get(1).pT());
    assertThat(rows.get(0).holmS2()).isEqualTo(both[0]);
    assertThat(rows.get(1).holmS2()).isEqualTo(both[1]);
  }

  @Test
  void theFloorIsTheBestConstantOnTheDevRowsWhenTheTrainingMajorityIsTheirMinority() {
    // 400 dev rows, three quarters label 1; the training rows 60 % label 0.
    List<String> ids = new ArrayList<>();
    double[] gold = new double[400];
    for (int i = 0; i < gold.length; i++) {
      ids.add("e" + i);
      gold[i] = i % 4 == 0 ? 0 : 1;
    }
    DevPredictions dev = new DevPredictions(ids, gold, new double[gold.length]);
    JsonObject tasks = JsonParser.parseString("{\"RTE\": {\"majority\": {\"index\": 0,"
        + " \"train_shares\": [0.6, 0.4]}}}").getAsJsonObject();

    Floors.TaskFloor rte = Floors.of(List.of("RTE"), tasks, java.util.Map.of("RTE", dev), StudyReport::taskScore)
        .of("RTE");

    assertThat(rte.trainingMajority()).isEqualTo(0.25);
    assertThat(rte.bestConstant()).isEqualTo(0.75);
    // Expected accuracy of answering 0 with p 0.6: 0.6 · 0.25 + 0.4 · 0.75 = 0.45.
    // 1,000 draws of 400 answers: a standard error of 0.001.
    assertThat(rte.labelPrior()).isCloseTo(0.45, within(0.005));
    assertThat(rte.floor()).isEqualTo(0.75);
  }

  @Test
  void holmAdjustsTheAveragesAcrossATablesComparisonsAndTheTasksWithinEach() throws IOException {
    writeStudy(true);
    // BAM gets 30, 30 and 31 of 40 right.
    multiTask("bam", 1, 30);
    multiTask("bam", 2, 30);
    multiTask("bam", 3, 31);

    StudyReport report = StudyReport.read(study, 99);
    List<StudyReport.Test> tests = report.tests(StudyReport.MAIN);

    // Multi vs Single, BAM vs Multi, and BAM vs Single (the extra comparison), each in SST-2, RTE and Avg.
    assertThat(tests).hasSize(9);
    // Per seed in 40ths, on each task and so on the average: Multi − Single 20, 19, 18 (t² = 1083);
    // BAM − Multi −10, −10, −9 (t = −29); BAM − Single 10, 9, 9 (t = 28). The averages are one family of three:
    // Holm multiplies the smallest p, Multi vs Single's, by 3, and the larger ones, multiplied by 2 and 1, stay
    // below that running maximum. Each comparison's two tasks are a family of two with equal p: both doubled.
    double smallest = pTwoDegrees(1083);
    StudyReport.Test bamVsMulti = tests.stream()
        .filter(t -> t.pair().a() == StudyMethod.BAM && t.pair().b() == StudyMethod.MULTI && t.task() == null)
        .findFirst().orElseThrow();
    assertThat(bamVsMulti.comparison().pairedT().t()).isCloseTo(-29, within(1e-9));
    assertThat(bamVsMulti.comparison().pairedT().pValue()).isCloseTo(pTwoDegrees(841), within(1e-12));
    for (StudyReport.Test t : tests) {
      double p = t.comparison().pairedT().pValue();
      assertThat(t.holmT()).isCloseTo(t.task() == null ? 3 * smallest : 2 * p, within(1e-12));
      // Every pair is separated: MWU 0.1 each, Holm 0.3 across the averages, 0.2 across a comparison's tasks.
      assertThat(t.comparison().mannWhitney().pValue()).isCloseTo(0.1, within(1e-12));
      assertThat(t.holmMannWhitney()).isCloseTo(t.task() == null ? 0.3 : 0.2, within(1e-12));
    }
    assertThat(report.markdown()).contains(
        "| Single→Multi (BAM) | Multi | **Avg (2 tasks)** | 3 | -24.2 | 0.001 | 0.003* | 0.100 | 0.300 |",
        "| Single→Multi (BAM) | Single | RTE | 3 | +23.3 | 0.001 | 0.003* | 0.100 | 0.200 |",
        "3 comparisons; Holm family of 3 averages (primary), of 2 tasks per comparison (secondary)");
  }

  @Test
  void bornAgainModelsAreTestedInTheirOwnFamilyNotInTheMainComparisons() throws IOException {
    writeStudy(true);
    for (int seed = 1; seed <= 3; seed++) {
      multiTask("bam", seed, 30);
      multiTask("multi-multi", seed, 33 + seed);
    }

    StudyReport report = StudyReport.read(study, 99);

    // The main comparison's averages stay a family of three, whatever else of Table 1 has run.
    assertThat(report.tests(StudyReport.MAIN)).extracting(t -> t.pair().a().dirName() + " vs " + t.pair().b()
        .dirName()).containsOnly("multi vs single", "bam vs multi", "bam vs single");
    // Without Single→Single, the born-again family is M→M − Multi and BAM − M→M: two averages.
    List<StudyReport.Test> bornAgain = report.tests(StudyReport.BORN_AGAIN).stream()
        .filter(t -> t.task() == null).toList();
    assertThat(bornAgain).extracting(t -> t.pair().a().dirName() + " vs " + t.pair().b().dirName())
        .containsExactlyInAnyOrder("multi-multi vs multi", "bam vs multi-multi");
    double smallest = bornAgain.stream().mapToDouble(t -> t.comparison().pairedT().pValue()).min().orElseThrow();
    assertThat(bornAgain).filteredOn(t -> t.pair().a() == StudyMethod.MULTI_MULTI).singleElement()
        .satisfies(t -> assertThat(t.comparison().pairedT().pValue()).isBetween(0.0, 0.05));
    assertThat(bornAgain).filteredOn(t -> t.comparison().pairedT().pValue() == smallest).first()
        .satisfies(t -> assertThat(t.holmT()).isCloseTo(Math.min(1, 2 * smallest), within(1e-12)));
  }

  @Test
  void aMethodWithOneSeedShowsItsScoreWithoutASpread() throws IOException {
    writeStudy(true);
    multiTask("bam", 1, 30);

    String text = Files.readString(StudyReport.write(study, 99));

    assertThat(text).contains("| Single→Multi (BAM) | 1 | Multi | 75.0 | 75.0 | **75.0** |")
        .contains("| Multi | 3 | Single | 100.0 ± 0.0* |");
    // Per seed: Single gets 20, 21, 22 of 40 right on seeds 1, 2, 3.
    assertThat(text).contains("### Per seed", "| Single | 2 | 52.5 | 52.5 | **52.5** |",
        "| Single | 3 | 55.0 | 55.0 | **55.0** |", "| Single→Multi (BAM) | 1 | 75.0 | 75.0 | **75.0** |");
  }

  @Test
  void theBucketingTableAppearsOnlyWithBucketedRuns() throws IOException {
    writeStudy(true);
    assertThat(Files.readString(StudyReport.write(study, 99))).doesNotContain("Length-bucketed");

    // BAM right on 30 of 40, bucketed BAM on 20: the table compares the second with the first. The differences
    // are the same for every seed, so the paired t-test's p is 0.
    for (int seed = 1; seed <= 3; seed++) {
      multiTask("bam", seed, 30);
      multiTask("bam-bucketed", seed, 20);
    }
    String text = Files.readString(StudyReport.write(study, 99));
    assertThat(text).contains("### Length-bucketed batches",
        "| BAM, length-bucketed batches | 3 | Single→Multi (BAM) | 50.0 ± 0.0* † | 50.0 ± 0.0* † | **50.0 ± 0.0*** |");
  }

  @Test
  void anUnfinishedSeedIsLeftOutAndComparisonsUseTheSeedsBothMethodsHave() throws IOException {
    writeStudy(false);

    StudyReport report = StudyReport.read(study, 99);

    assertThat(report.seedScores(StudyMethod.MULTI, null)).containsExactly(1.0, 1.0);
    assertThat(report.seedScores(StudyMethod.SINGLE, "RTE")).containsExactly(0.5, 0.525, 0.55);
    // Over seeds 1 and 2 only: 1 - (0.5 + 0.525) / 2; differences 20 and 19 (of 40): t = 39 with one degree of
    // freedom, p = 1 − (2/π)·atan(39).
    StudyReport.Comparison c = report.compare(StudyMethod.MULTI, StudyMethod.SINGLE, null);
    assertThat(c.seeds()).containsExactly(1L, 2L);
    assertThat(c.difference()).isCloseTo(0.4875, within(1e-12));
    assertThat(c.pairedT().t()).isCloseTo(39, within(1e-9));
    assertThat(c.pairedT().pValue()).isCloseTo(1 - 2 / Math.PI * Math.atan(39), within(1e-12));
    // Two seeds against two, separated: 2 of the 6 splits.
    assertThat(c.mannWhitney().pValue()).isCloseTo(2.0 / 6, within(1e-12));
  }

  @Test
  void theTimeOfAMethodCountsOnlyItsFinishedSeeds() throws IOException {
    writeStudy(true);
    // Seed 3 of Single has finished SST-2 but not RTE: its 10 s belong to no seed of the tables.
    Files.delete(study.resolve("single/seed-3/RTE").resolve(StudyJob.DONE));

    String md = StudyReport.read(study, 99).markdown();

    assertThat(md).contains("| Single | 40 |", "| Multi | 90 |");
  }

  @Test
  void entriesThatAreNotSeedDirectoriesAreIgnored() throws IOException {
    writeStudy(true);
    // A user's backup copy of a seed, a note, and a seed directory's name written another way.
    Path backup = Files.createDirectories(study.resolve("multi/seed-1.bak"));
    Files.writeString(backup.resolve(StudyJob.DONE), "{\"job_seconds\": 30}");
    Files.writeString(study.resolve("single/seed-notes.txt"), "rerun seed 3");
    Files.createDirectories(study.resolve("multi/seed-01"));
    Files.writeString(study.resolve("multi/seed-4"), "a file, not a seed directory");

    StudyReport report = StudyReport.read(study, 99);

    assertThat(report.seedScores(StudyMethod.MULTI, null)).containsExactly(1.0, 1.0, 1.0);
    assertThat(report.seedScores(StudyMethod.SINGLE, "RTE")).containsExactly(0.5, 0.525, 0.55);
  }

  @Test
  void aRegressionTaskHasNoMajorityClassAndCountsZeroInTheAverage() throws IOException {
    // SST-2: 7 of 10 dev labels are 1, the training majority; STS-B is a regression.
    Files.writeString(study.resolve("study.json"), "{\"tasks\": {"
        + "\"SST-2\": {\"train\": 1, \"dev\": 10, \"majority\": {\"label\": \"1\", \"index\": 1}},"
        + " \"STS-B\": {\"train\": 1, \"dev\": 10}}}");
    List<String> ids = new ArrayList<>();
    double[] sstGold = new double[10];
    double[] stsGold = new double[10];
    for (int i = 0; i < 10; i++) {
      ids.add("e" + i);
      sstGold[i] = i < 7 ? 1 : 0;
      stsGold[i] = i / 2.0;
    }
    for (String task : List.of("SST-2", "STS-B")) {
      Path dir = study.resolve("single/seed-1/" + task);
      double[] gold = task.equals("SST-2") ? sstGold : stsGold;
      new DevPredictions(ids, gold, gold).write(dir.resolve("dev/" + task + ".tsv"));
      Files.writeString(dir.resolve(StudyJob.DONE), "{\"job_seconds\": 1}");
    }

    String text = Files.readString(StudyReport.write(study, 10));

    assertThat(text).contains("STS-B is a regression: it has no majority class",
        "| Majority class | – |  | 70.0 | – | **35.0** |", "| Single | 1 |  | 100.0 | 100.0 |");
  }

  @Test
  void aStudyJsonWithoutMajorityClassesShowsUnknownsAndSaysHowToAddThem() throws IOException {
    writeStudy(true);
    Files.writeString(study.resolve("study.json"),
        "{\"tasks\": {\"SST-2\": {\"train\": 1, \"dev\": 40}, \"RTE\": {\"train\": 1, \"dev\": 40}}}");

    String text = Files.readString(StudyReport.write(study, 10));

    assertThat(text).contains("| Majority class | – |  | ? | ? | **?** |",
        "study.json records no majority class for SST-2, RTE", "bam study report --glue-dir DIR");
  }

  @Test
  void aStudyWhoseSeedsDrawTheirExamplesHasItsMajorityClassesPerDrawAndSaysNothingIsUnknown()
      throws IOException {
    writeStudy(true);
    String draw = "{\"1\": {\"index\": 1, \"train_shares\": [0.4, 0.6]},"
        + " \"2\": {\"index\": 1, \"train_shares\": [0.45, 0.55]}, \"3\": {\"index\": 0, \"train_shares\": [0.55, 0.45]}}";
    Files.writeString(study.resolve("study.json"), "{\"tasks\": {\"SST-2\": {\"train\": 1, \"dev\": 40,"
        + " \"majority_by_seed\": " + draw + "}, \"RTE\": {\"train\": 1, \"dev\": 40, \"majority_by_seed\": "
        + draw + "}}}");

    String text = Files.readString(StudyReport.write(study, 10));

    // The dev labels alternate 1, 0 over 40 rows: each constant scores 50.0, whichever the draws chose.
    assertThat(text).contains("| Majority class | – |  | 50.0 | 50.0 | **50.0** |")
        .doesNotContain("records no majority class");
  }

  @Test
  void devPredictionsOfOtherRowsAreRefusedNotComparedRowByRow() throws IOException {
    writeStudy(false);
    Path multi = study.resolve("multi/seed-2/dev/RTE.tsv");
    DevPredictions p = DevPredictions.read(multi);
    List<String> ids = new ArrayList<>(p.ids());
    ids.set(5, "other");
    new DevPredictions(ids, p.gold(), p.predicted()).write(multi);

    assertThatThrownBy(() -> StudyReport.write(study, 10))
        .hasMessageContaining(multi.toString())
        .hasMessageContaining("other dev rows than " + study.resolve("single/seed-1/RTE/dev/RTE.tsv"))
        .hasMessageContaining("first difference at row 6");
  }

  @Test
  void refusesADirectoryThatIsNoStudy() {
    assertThatThrownBy(() -> StudyReport.write(study.resolve("nothing"), 10))
        .hasMessageContaining("is not a study directory").hasMessageContaining("study.json");
  }
}
