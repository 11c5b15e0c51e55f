package io.github.bamjava.glue.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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

  @TempDir Path study;

  /**
   * Two tasks, three seeds. Single gets 20, 21 and 22 of 40 dev examples right on each task (accuracy 0.5,
   * 0.525, 0.55); Multi gets all of them right. Seed 3 of Multi is unfinished on purpose.
   */
  private void writeStudy(boolean multiSeed3) throws IOException {
    Files.writeString(study.resolve("study.json"),
        "{\"tasks\": {\"SST-2\": {\"train\": 1, \"dev\": 40}, \"RTE\": {\"train\": 1, \"dev\": 40}}}");
    for (int seed = 1; seed <= 3; seed++) {
      for (String task : List.of("SST-2", "RTE")) {
        Path single = study.resolve("single/seed-" + seed + "/" + task);
        predictions(19 + seed).write(single.resolve("dev/" + task + ".tsv"));
        Files.writeString(single.resolve(StudyJob.DONE), "{\"job_seconds\": 10}");
        if (seed < 3 || multiSeed3) {
          predictions(DEV).write(study.resolve("multi/seed-" + seed + "/dev/" + task + ".tsv"));
        }
      }
      if (seed < 3 || multiSeed3) {
        Files.writeString(study.resolve("multi/seed-" + seed + "/" + StudyJob.DONE), "{\"job_seconds\": 30}");
      }
    }
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

  @Test
  void tablesShowMeanAndStdOverSeedsWithSignificanceAgainstTheReference() throws IOException {
    writeStudy(true);

    Path md = StudyReport.write(study, 199);

    String text = Files.readString(md);
    assertThat(text).contains(
        "| Single | 3 |  | 52.5 ± 2.5 | 52.5 ± 2.5 | **52.5 ± 2.5** |",
        "| Multi | 3 | Single | 100.0 ± 0.0* | 100.0 ± 0.0* | **100.0 ± 0.0*** |",
        // Every resample favours Multi: p = 2 / 200; three seeds against three: the exact p is 0.10.
        "| Multi | Single | **Avg** | +47.5 | [+",
        "| 0.010 | 0.10 |",
        "| Single | 60 |", "| Multi | 90 |");
    assertThat(study.resolve("report/img/methods.svg")).isRegularFile();
    assertThat(Files.readString(study.resolve("report/results.json"))).contains("\"single\"", "\"average\"");
  }

  @Test
  void theBucketingTableAppearsOnlyWithBucketedRuns() throws IOException {
    writeStudy(true);
    assertThat(Files.readString(StudyReport.write(study, 99))).doesNotContain("Length-bucketed");

    // BAM right on 30 of 40, bucketed BAM on 20: the table compares the second with the first.
    for (int seed = 1; seed <= 3; seed++) {
      for (String method : List.of("bam", "bam-bucketed")) {
        Path dir = study.resolve(method + "/seed-" + seed);
        for (String task : List.of("SST-2", "RTE")) {
          predictions(method.equals("bam") ? 30 : 20).write(dir.resolve("dev/" + task + ".tsv"));
        }
        Files.writeString(dir.resolve(StudyJob.DONE), "{\"job_seconds\": 30}");
      }
    }
    String text = Files.readString(StudyReport.write(study, 99));
    assertThat(text).contains("### Length-bucketed batches",
        "| BAM, length-bucketed batches | 3 | Single→Multi (BAM) | 50.0 ± 0.0* | 50.0 ± 0.0* | **50.0 ± 0.0*** |");
  }

  @Test
  void anUnfinishedSeedIsLeftOutAndComparisonsUseTheSeedsBothMethodsHave() throws IOException {
    writeStudy(false);

    StudyReport report = StudyReport.read(study, 99);

    assertThat(report.seedScores(StudyMethod.MULTI, null)).containsExactly(1.0, 1.0);
    assertThat(report.seedScores(StudyMethod.SINGLE, "RTE")).containsExactly(0.5, 0.525, 0.55);
    // Over seeds 1 and 2 only: 1 - (0.5 + 0.525) / 2.
    assertThat(report.compare(StudyMethod.MULTI, StudyMethod.SINGLE, null).difference())
        .isCloseTo(0.4875, within(1e-12));
  }

  @Test
  void refusesADirectoryThatIsNoStudy() {
    assertThatThrownBy(() -> StudyReport.write(study.resolve("nothing"), 10))
        .hasMessageContaining("is not a study directory").hasMessageContaining("study.json");
  }
}
