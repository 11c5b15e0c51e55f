package io.github.bamjava.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.glue.study.Study;
import io.github.bamjava.glue.study.StudyJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The study on Spark in local mode (on generated GLUE files, a random-init encoder) against the same study run by
 * a single-machine worker: the same bits, no finished job done again, a failed job retried by Spark and resumed from its checkpoint, a job that fails every
 * try left failed with its dependants undone.
 */
class SparkStudyTest {

  /** Spark inside the test JVM on the loopback address, without its web UI. */
  private static final Map<String, String> CONF = Map.of("spark.ui.enabled", "false", "spark.driver.host",
      "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1");

  @TempDir Path tmp;

  private Path glue() throws IOException {
    Path glue = tmp.resolve("glue");
    if (!Files.isDirectory(glue)) {
      StudySource.writeGlue(glue);
    }
    return glue;
  }

  @Test
  void aStudyOnSparkWithARetriedJobEqualsTheStudyOnOneMachineBitForBitAndIsNotDoneAgain() throws Exception {
    Path plain = tmp.resolve("plain");
    StudySource one = new StudySource(glue().toString(), plain.toString(), "bam", "1,2", "");
    ByteArrayOutputStream plainLog = new ByteArrayOutputStream();
    Study study = Study.of(one.config(), new PrintStream(plainLog, true, StandardCharsets.UTF_8));
    assertThat(study.runWorker("plain")).as(() -> plainLog.toString(StandardCharsets.UTF_8)).isZero();

    Path dir = tmp.resolve("spark");
    Path faults = tmp.resolve("faults");
    StudySource onSpark = new StudySource(glue().toString(), dir.toString(), "bam", "1,2", faults.toString());
    // local[1,2]: one core, and a failed task is tried twice.
    SparkPlan.Outcome outcome = SparkPlan.run("local[1,2]", CONF, onSpark, null);

    // Single x 2 tasks and BAM, for two seeds.
    assertThat(outcome.units()).isEqualTo(6);
    assertThat(outcome.ran()).hasSize(6);
    assertThat(outcome.failed()).isEmpty();
    assertThat(outcome.finished()).isTrue();
    long failedAt = Long.parseLong(Files.readString(faults.resolve(SyntheticSource.FAILED)));
    long resumedFrom = Long.parseLong(Files.readString(faults.resolve(SyntheticSource.RESUMED)));
    assertThat(resumedFrom).as("the retry resumes from the first epoch's checkpoint").isPositive()
        .isLessThan(failedAt);

    Map<String, byte[]> expected = results(plain);
    assertThat(expected.keySet()).as("dev predictions, teachers' train predictions, BAM's model")
        .anyMatch(f -> f.endsWith("bam/seed-2/dev/SST-2.tsv"))
        .anyMatch(f -> f.endsWith("single/seed-1/SST-2/train-predictions/SST-2.safetensors"))
        .anyMatch(f -> f.endsWith("bam/seed-1/run/model/model.safetensors"));
    Map<String, byte[]> actual = results(dir);
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
    expected.forEach((file, bytes) -> assertThat(actual.get(file)).as(file).isEqualTo(bytes));

    Map<String, FileTime> done = doneTimes(dir);
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    SparkPlan.Outcome second = SparkPlan.run("local[1]", CONF, onSpark,
        new PrintStream(again, true, StandardCharsets.UTF_8));
    assertThat(second.ran()).isEmpty();
    assertThat(second.finished()).isTrue();
    assertThat(again.toString(StandardCharsets.UTF_8)).doesNotContain("start:");
    assertThat(doneTimes(dir)).isEqualTo(done);
  }

  @Test
  void aJobThatFailsEveryTryIsReportedAndOnlyItsDependantsAreLeftUndone() throws Exception {
    Path dir = tmp.resolve("failing");
    StudySource source = new StudySource(glue().toString(), dir.toString(), "single-single", "1",
        tmp.resolve("faults").toString());
    // One try: the injected fault is not retried.
    SparkPlan.Outcome outcome = SparkPlan.run("local[1,1]", CONF, source, null);

    assertThat(outcome.failed()).containsOnlyKeys("single/seed-1/SST-2");
    assertThat(outcome.failed().get("single/seed-1/SST-2")).contains("a fault injected by the test");
    assertThat(outcome.unfinished()).containsExactly("single/seed-1/SST-2", "single-single/seed-1/SST-2");
    assertThat(dir.resolve("single/seed-1/STS-B/" + StudyJob.DONE)).isRegularFile();
    assertThat(dir.resolve("single-single/seed-1/STS-B/" + StudyJob.DONE)).isRegularFile();
  }

  /** Every dev predictions, train predictions and model file under a study, by relative path. */
  private static Map<String, byte[]> results(Path study) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(study)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".tsv") || name.endsWith(".safetensors") && !f.toString().contains("checkpoints")) {
          out.put(study.relativize(f).toString(), Files.readAllBytes(f));
        }
      }
    }
    return out;
  }

  private static Map<String, FileTime> doneTimes(Path study) throws IOException {
    Map<String, FileTime> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(study)) {
      for (Path f : files.filter(f -> f.getFileName().toString().equals(StudyJob.DONE)).toList()) {
        out.put(study.relativize(f).toString(), Files.getLastModifiedTime(f));
      }
    }
    return out;
  }

}
