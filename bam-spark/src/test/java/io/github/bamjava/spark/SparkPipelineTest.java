package io.github.bamjava.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.pipeline.PipelineResult;
import io.github.bamjava.pipeline.PipelineRunner;
import io.github.bamjava.pipeline.PipelineUnit;
import io.github.bamjava.runtime.GracefulStop;
import io.github.bamjava.runtime.RunStoppedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on Spark in local mode against the same run on one machine: the same bits, no finished unit done
 * again, damaged outputs found and redone, a failed task resumed from its checkpoint by Spark's retry.
 */
class SparkPipelineTest {

  /** Spark inside the test JVM on the loopback address, without its web UI. */
  private static final Map<String, String> CONF = Map.of("spark.ui.enabled", "false", "spark.driver.host",
      "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1");

  /** Every file a unit writes, by unit. */
  private static final Map<String, String> OUTPUTS = outputs();

  @TempDir Path tmp;

  private static Map<String, String> outputs() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String task : List.of("sentiment", "stars")) {
      out.put("teacher " + task, "teachers/" + task + "/model/model.safetensors");
      out.put("predictions " + task, "teachers/" + task + ".predictions.safetensors");
    }
    out.put("student", "student/model/model.safetensors");
    for (String task : List.of("sentiment", "stars")) {
      out.put("fine-tune " + task, "finetune/" + task + "/model/model.safetensors");
    }
    return out;
  }

  @Test
  void aRunOnSparkEqualsTheRunOnOneMachineBitForBitAndIsNotDoneAgain() throws IOException {
    Path plain = tmp.resolve("plain");
    PipelineResult one = PipelineRunner.LOCAL.run(SyntheticSource.of(plain).job(), null);

    Path onSpark = tmp.resolve("spark");
    // On Spark, each teacher's predictions in 3 shards (48 training examples, 20 at most a shard), merged.
    SyntheticSource source = new SyntheticSource(onSpark.toString(), 1, "", 20);
    ByteArrayOutputStream sparkLog = new ByteArrayOutputStream();
    PipelineResult viaSpark = SparkPipeline.start("local[2]", CONF, source).run(source.job(),
        new PrintStream(sparkLog, true, StandardCharsets.UTF_8));
    assertThat(sparkLog.toString(StandardCharsets.UTF_8)).contains("predictions stars shard 3");

    assertThat(viaSpark.scores().keySet()).containsExactlyElementsOf(one.scores().keySet());
    one.scores().forEach((method, s) -> assertThat(viaSpark.scores().get(method).rows()).as(method)
        .isEqualTo(s.rows()));
    OUTPUTS.forEach((unit, file) -> assertThat(mismatch(plain.resolve(file), onSpark.resolve(file))).as(unit)
        .isEqualTo(-1));
    assertThat(Files.readString(onSpark.resolve("results.md"))).isEqualTo(Files.readString(plain.resolve(
        "results.md")));

    Map<String, FileTime> written = times(onSpark);
    String log = runLogged(source, "local[2]");
    assertThat(log).doesNotContain("start:").contains("done: teacher sentiment", "done: student",
        "done: fine-tune stars");
    assertThat(times(onSpark)).isEqualTo(written);
  }

  @Test
  void sparkContinuesAPlainRunAndRedoesOnlyTheDamagedUnits() throws IOException {
    Path dir = tmp.resolve("run");
    SyntheticSource source = SyntheticSource.of(dir);
    PipelineRunner.LOCAL.run(source.job(), null);
    Map<String, byte[]> intact = new LinkedHashMap<>();
    for (String file : OUTPUTS.values()) {
      intact.put(file, Files.readAllBytes(dir.resolve(file)));
    }
    Map<String, FileTime> before = times(dir);
    truncate(dir.resolve(OUTPUTS.get("predictions stars")));
    truncate(dir.resolve(OUTPUTS.get("fine-tune sentiment")));

    String log = runLogged(source, "local[1]");

    assertThat(log).contains("start: predictions stars", "start: fine-tune sentiment", "done: teacher stars",
        "done: student", "done: fine-tune stars");
    Map<String, FileTime> after = times(dir);
    for (String unit : List.of("teacher sentiment", "teacher stars", "predictions sentiment", "student",
        "fine-tune stars")) {
      assertThat(after.get(OUTPUTS.get(unit))).as(unit + " is not done again").isEqualTo(before.get(
          OUTPUTS.get(unit)));
    }
    for (String file : OUTPUTS.values()) {
      assertThat(Files.readAllBytes(dir.resolve(file))).as(file).isEqualTo(intact.get(file));
    }
  }

  @Test
  void aTaskThatDiesMidTeacherIsRetriedAndResumesFromItsCheckpoint() throws IOException {
    Path straight = straightRunOfTwoEpochs();

    Path dir = tmp.resolve("faulty");
    Path faults = tmp.resolve("faults");
    SyntheticSource source = new SyntheticSource(dir.toString(), 2, faults.toString());
    // local[1,2]: one core, and a failed task is tried twice.
    SparkPipeline.start("local[1,2]", CONF, source).run(source.job(), null);

    assertThat(faults.resolve(SyntheticSource.FAILED)).exists();
    long failedAt = Long.parseLong(Files.readString(faults.resolve(SyntheticSource.FAILED)));
    long resumedFrom = Long.parseLong(Files.readString(faults.resolve(SyntheticSource.RESUMED)));
    assertThat(resumedFrom).as("the retry resumes from the first epoch's checkpoint").isPositive()
        .isLessThan(failedAt);
    assertSameOutputs(straight, dir);
  }

  @Test
  void aCancelledTaskStopsAfterItsStepWithACheckpointThatTheRerunResumesFrom() throws IOException {
    Path straight = straightRunOfTwoEpochs();

    Path dir = tmp.resolve("cancelled");
    SyntheticSource source = new SyntheticSource(dir.toString(), 2, "");
    try (JavaSparkContext sc = SparkPipeline.newContext("local[1]", CONF, "a cancelled run")) {
      // In the teacher's second epoch (3 steps an epoch, checkpoints at epoch ends), the job is cancelled as a
      // driver cancels it; the hook waits until the kill reached the task, so that the stop comes after step 4.
      SyntheticSource.teacherStep = step -> {
        if (step == 4) {
          sc.cancelAllJobs();
          awaitKilled(TaskContext.get());
        }
      };
      assertThatThrownBy(() -> SparkPipeline.on(sc, source).run(source.job(), null))
          .isInstanceOf(IOException.class).hasMessageContaining("cancelled");
    } finally {
      SyntheticSource.teacherStep = null;
    }
    assertThat(Files.readString(dir.resolve("teachers/sentiment/checkpoints/LATEST")).strip())
        .as("a checkpoint of the step the cancel stopped at, not only of the epoch's end").matches("step-0*4");
    assertThat(dir.resolve(OUTPUTS.get("teacher sentiment"))).doesNotExist();

    SparkPipeline.start("local[1]", CONF, source).run(source.job(), null);
    assertSameOutputs(straight, dir);
  }

  @Test
  void aStopRequestStopsTheRunOnSparkWithCheckpointsAndTheRerunEndsAsAStraightRun() throws IOException {
    Path straight = straightRunOfTwoEpochs();

    Path dir = tmp.resolve("stopped");
    SyntheticSource source = new SyntheticSource(dir.toString(), 2, "");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    // What the shutdown hook of Ctrl-C does, during the teacher's second epoch.
    SyntheticSource.teacherStep = step -> {
      if (step == 4) {
        GracefulStop.request();
      }
    };
    try {
      assertThatThrownBy(() -> SparkPipeline.start("local[1]", CONF, source).run(source.job(),
          new PrintStream(log, true, StandardCharsets.UTF_8)))
          .isInstanceOf(RunStoppedException.class).hasMessageContaining("run the same command again to resume");
    } finally {
      SyntheticSource.teacherStep = null;
      GracefulStop.clear();
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("stop requested");
    assertThat(Files.readString(dir.resolve("teachers/sentiment/checkpoints/LATEST")).strip()).matches("step-0*4");

    SparkPipeline.start("local[1]", CONF, source).run(source.job(), null);
    assertSameOutputs(straight, dir);
  }

  /** The synthetic run with teachers of two epochs on one machine, uninterrupted: what a resumed run must equal. */
  private Path straightRunOfTwoEpochs() throws IOException {
    Path straight = tmp.resolve("straight");
    PipelineRunner.LOCAL.run(new SyntheticSource(straight.toString(), 2, "").job(), null);
    return straight;
  }

  /** Every unit's output in {@code dir} has the bits of the one in {@code straight}. */
  private static void assertSameOutputs(Path straight, Path dir) {
    OUTPUTS.forEach((unit, file) -> assertThat(mismatch(straight.resolve(file), dir.resolve(file))).as(unit)
        .isEqualTo(-1));
  }

  /** Waits (up to 10 s) until Spark has marked {@code task} killed. */
  private static void awaitKilled(TaskContext task) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!task.isInterrupted() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  @Test
  void aTaskThatFailsEveryTryFailsTheRunWithItsError() {
    Path dir = tmp.resolve("failing");
    // One try: the injected fault is not retried.
    SyntheticSource source = new SyntheticSource(dir.toString(), 2, tmp.resolve("faults").toString());
    assertThatThrownBy(() -> SparkPipeline.start("local[1,1]", CONF, source).run(source.job(), null))
        .isInstanceOf(IOException.class).hasMessageContaining("a BAM unit failed on Spark")
        .hasMessageContaining("a fault injected by the test");
    assertThat(dir.resolve("results.md")).doesNotExist();
  }

  @Test
  void twoTrainingsInOneExecutorAreRefusedBeforeAnythingStarts() {
    SyntheticSource source = SyntheticSource.of(tmp.resolve("never"));
    Map<String, String> twoAtOnce = new LinkedHashMap<>(CONF);
    twoAtOnce.put("spark.task.cpus", "1");
    assertThatThrownBy(() -> SparkPipeline.start("local[2]", twoAtOnce, source))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set spark.task.cpus=2");
  }

  @Test
  void anExecutorThatBuildsAnotherRunWritesNothing() throws IOException {
    Path dir = tmp.resolve("other");
    PlanTask<PipelineUnit> task = new PlanTask<>(new SparkPipeline.Plan(SyntheticSource.of(dir)),
        dir.toAbsolutePath().toString(),
        "{\"teachers\":[],\"student\":{},\"finetune\":\"off\"}");
    assertThatThrownBy(() -> task.run(PipelineUnit.teacher("sentiment", 0)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("builds another plan than the driver")
        .hasMessageContaining("finetune: \"off\" → ");
    assertThat(dir.resolve("teachers")).doesNotExist();
  }

  private String runLogged(SyntheticSource source, String master) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      SparkPipeline.start(master, CONF, source).run(source.job(), log);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static long mismatch(Path a, Path b) {
    try {
      return Files.mismatch(a, b);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, FileTime> times(Path dir) throws IOException {
    Map<String, FileTime> out = new LinkedHashMap<>();
    for (String file : OUTPUTS.values()) {
      out.put(file, Files.getLastModifiedTime(dir.resolve(file)));
    }
    return out;
  }

  private static void truncate(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(all, all.length / 2));
  }
}
