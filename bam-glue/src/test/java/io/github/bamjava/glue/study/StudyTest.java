package io.github.bamjava.glue.study;

import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Stage;
import io.github.bamjava.task.TrainCap;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.bamjava.glue.GlueFixtures;
import io.github.bamjava.glue.Preset;
import io.github.bamjava.glue.TrainBudget;
import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.runtime.GracefulStop;
import io.github.bamjava.task.Example;
import io.github.bamjava.train.SyntheticTasks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A whole small study on a tiny random encoder: the wiring of jobs, workers, files and the report. */
class StudyTest {

  /** Every example, seconds-long runs: what is tested is the wiring, not the accuracy. */
  private static final Preset TINY = new Preset(new Recipe("tiny", new Stage(1e-3, 16, 1),
      new Stage(1e-3, 16, 1), new Stage(5e-4, 16, 1), 32, 0.9, 0.75, HeadOptions.DEFAULT, false),
      TrainBudget.of(TrainCap.all()));

  /** The documented study on {@code glue} into {@code out} with {@link #TINY} and 20 dev examples a task. */
  private static StudyConfig tiny(Path glue, Path out) {
    return StudyConfig.of(glue, out).withPreset(TINY).withDevCap(20);
  }

  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

  @TempDir Path tmp;

  /** One seed of these methods on SST-2 and STS-B fixtures, a tiny encoder, progress into {@code log}. */
  private Study tinyStudy(Path out, ByteArrayOutputStream log, EnumSet<StudyMethod> methods) throws IOException {
    return Study.of(tinyConfig(out, methods), new PrintStream(log, true, StandardCharsets.UTF_8));
  }

  private StudyConfig tinyConfig(Path out, EnumSet<StudyMethod> methods) throws IOException {
    Path glue = tmp.resolve("glue");
    GlueFixtures.writeSentimentAndSimilarity(glue);
    return tiny(glue, out).withSeeds(List.of(1L)).withEncoder(SyntheticTasks.tinyEncoder(5)).withMethods(methods);
  }

  @Test
  void theBucketedStudentTrainsOnBucketedBatches() throws Exception {
    Path out = tmp.resolve("bucketed");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Study study = tinyStudy(out, log, EnumSet.of(StudyMethod.BAM_BUCKETED));
    // Its teachers come with it: Single x 2 tasks, then the bucketed student.
    assertThat(study.jobs()).hasSize(3);
    assertThat(study.runWorker("launch")).as(() -> log.toString(StandardCharsets.UTF_8)).isZero();

    JsonObject config = new Gson().fromJson(
        Files.readString(out.resolve("bam-bucketed/seed-1/run/run-config.json")), JsonObject.class);
    assertThat(config.getAsJsonObject("resume_key").get("bucketByLength").getAsBoolean()).isTrue();
    assertThat(out.resolve("bam-bucketed/seed-1/dev/SST-2.tsv")).isRegularFile();
  }

  @Test
  void aWorkerStopsOnRequestWithoutMarkingAJobFailedAndTheNextLaunchDoesTheWork() throws Exception {
    Path out = tmp.resolve("stopped");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Study study = tinyStudy(out, log, EnumSet.of(StudyMethod.SINGLE));
    GracefulStop.request();
    try {
      assertThat(study.runWorker("stopped-launch")).isZero();
    } finally {
      GracefulStop.clear();
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("study: stopped on request");
    try (var claims = Files.list(out.resolve("claims"))) {
      assertThat(claims).isEmpty();
    }
    assertThat(study.runWorker("next-launch")).as(() -> log.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(study.jobs()).allSatisfy(j -> assertThat(j.dir(out).resolve(StudyJob.DONE)).isRegularFile());
  }

  @Test
  void aJobKilledAfterTrainingCountsTheTrainingInItsTime() throws Exception {
    Path out = tmp.resolve("killed");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Study study = Study.of(tinyConfig(out, EnumSet.of(StudyMethod.SINGLE)).withKeepModels(true),
        new PrintStream(log, true, StandardCharsets.UTF_8));
    assertThat(study.runWorker("first")).as(() -> log.toString(StandardCharsets.UTF_8)).isZero();
    // As if the worker had been killed after training SST-2's teacher for 1000 s and before marking it done.
    Path job = out.resolve("single/seed-1/SST-2");
    Files.delete(job.resolve(StudyJob.DONE));
    Path result = job.resolve("run/result.json");
    JsonObject json = new Gson().fromJson(Files.readString(result), JsonObject.class);
    json.addProperty("train_seconds", 1000.0);
    Files.writeString(result, json.toString());

    assertThat(study.runWorker("second")).as(() -> log.toString(StandardCharsets.UTF_8)).isZero();

    JsonObject done = new Gson().fromJson(Files.readString(job.resolve(StudyJob.DONE)), JsonObject.class);
    assertThat(done.get("job_seconds").getAsDouble()).isGreaterThanOrEqualTo(1000.0);
  }

  @Test
  void theHeadVariantTrainsWithMeanPoolingAndALinearRegressionOutput() throws Exception {
    Path out = tmp.resolve("heads");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Study study = tinyStudy(out, log, EnumSet.of(StudyMethod.SINGLE_MEAN_LINEAR));
    assertThat(study.jobs()).hasSize(2);
    assertThat(study.runWorker("launch")).as(() -> log.toString(StandardCharsets.UTF_8)).isZero();

    JsonObject heads = new Gson().fromJson(
        Files.readString(out.resolve("single-mean-linear/seed-1/STS-B/run/run-config.json")), JsonObject.class)
        .getAsJsonObject("resume_key").getAsJsonObject("heads");
    assertThat(heads.toString()).contains("\"pooling\":\"mean\"").contains("\"regression_output\":\"linear\"");
  }

  @Test
  void runsEveryJobOnceAndASecondLaunchSkipsWhatIsDone() throws Exception {
    Path out = tmp.resolve("study");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Study study = tinyStudy(out, log, EnumSet.of(StudyMethod.MULTI_MULTI, StudyMethod.BAM_FINETUNED));
    List<StudyJob> jobs = study.jobs();
    // Single x 2 tasks, Multi, Multi->Multi, BAM, BAM + fine-tuning x 2 tasks.
    assertThat(jobs).hasSize(7);

    assertThat(study.runWorker("first-launch")).as(() -> log.toString(StandardCharsets.UTF_8)).isZero();

    String text = log.toString(StandardCharsets.UTF_8);
    for (StudyJob job : jobs) {
      Path dir = job.dir(out);
      assertThat(dir.resolve(StudyJob.DONE)).isRegularFile();
      assertThat(dir.resolve("run/checkpoints")).doesNotExist();
      assertThat(text.split("study: " + job.name() + " done", -1)).hasSize(2);
    }
    Path bam = out.resolve("bam/seed-1");
    assertThat(DevPredictions.read(bam.resolve("dev/SST-2.tsv")).size()).isEqualTo(20);
    assertThat(bam.resolve("run/model/tasks.json")).isRegularFile();
    assertThat(out.resolve("single/seed-1/STS-B/run/model")).doesNotExist();
    assertThat(out.resolve("single/seed-1/STS-B/train-predictions/STS-B.safetensors")).isRegularFile();
    assertThat(out.resolve("multi/seed-1/train-predictions/SST-2.safetensors")).isRegularFile();
    assertThat(bam.resolve("train-predictions")).doesNotExist();
    assertThat(Files.readString(out.resolve("bam-finetuned/seed-1/STS-B/run/run-config.json")))
        .contains("\"learningRate\": 5.0E-4");

    FileTime done = Files.getLastModifiedTime(bam.resolve(StudyJob.DONE));
    log.reset();
    assertThat(study.runWorker("second-launch")).isZero();
    assertThat(Files.getLastModifiedTime(bam.resolve(StudyJob.DONE))).isEqualTo(done);
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("all 7 jobs are done").doesNotContain("-> ");

    Files.writeString(out.resolve("study.json"), new Gson().toJson(study.describe()));
    String report = Files.readString(StudyReport.write(out, 50));
    assertThat(report).contains("| Majority class | – |  | ", "| Single | 1 |",
        "| Single→Multi (BAM) | 1 | Multi |",
        "| BAM + fine-tuning | 1 | Single→Multi (BAM) |", "| Multi→Multi | Multi | **Avg (2 tasks)** | 1 |")
        .doesNotContain("no majority class for");
  }

  @Test
  void aCopiedStudyTrainsAFineTuningJobsBaseAgainForItsModelAndKeepsItsStoredResults() throws Exception {
    Path out = tmp.resolve("copied");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    assertThat(tinyStudy(out, log, EnumSet.of(StudyMethod.MULTI)).runWorker("trained-elsewhere")).isZero();
    // What a published copy of the study holds of Multi: its predictions and done.json, not its run and model.
    Path multi = out.resolve("multi/seed-1");
    AtomicFiles.deleteRecursively(multi.resolve("run"));
    String done = Files.readString(multi.resolve(StudyJob.DONE));
    String dev = Files.readString(multi.resolve("dev/STS-B.tsv"));
    log.reset();

    Study study = tinyStudy(out, log, EnumSet.of(StudyMethod.MULTI_FINETUNED));
    assertThat(study.runWorker("continued")).as(() -> log.toString(StandardCharsets.UTF_8)).isZero();

    assertThat(log.toString(StandardCharsets.UTF_8)).contains("study: multi/seed-1 again, for its model");
    assertThat(study.unfinished()).isEmpty();
    assertThat(multi.resolve("run/model/tasks.json")).isRegularFile();
    assertThat(Files.readString(multi.resolve(StudyJob.DONE))).isEqualTo(done);
    assertThat(Files.readString(multi.resolve("dev/STS-B.tsv"))).isEqualTo(dev);
    // Training on the CPU is deterministic: the same seed makes the same model, which predicts the same.
    JsonObject again = new Gson().fromJson(
        Files.readString(multi.resolve(Study.REGENERATED).resolve(StudyJob.DONE)), JsonObject.class);
    assertThat(again.getAsJsonObject("predictions_differing_from_stored").toString())
        .isEqualTo("{\"SST-2\":0,\"STS-B\":0}");
    assertThat(multi.resolve(Study.REGENERATED).resolve("dev/SST-2.tsv")).isRegularFile();
    assertThat(multi.resolve(Study.REGENERATED).resolve("train-predictions")).doesNotExist();
  }

  @Test
  void describeRecordsEachClassificationTasksMajorityClassAndItsDevScore() throws IOException {
    // SST-2: three of four training labels are 1; always predicting 1 gets one of three dev examples right.
    Path glue = tmp.resolve("hand-made");
    Files.createDirectories(glue.resolve("SST-2"));
    Files.writeString(glue.resolve("SST-2/train.tsv"), "sentence\tlabel\na\t1\nb\t1\nc\t0\nd\t1\n");
    Files.writeString(glue.resolve("SST-2/dev.tsv"), "sentence\tlabel\ne\t1\nf\t0\ng\t0\n");
    // STS-B is a regression: no majority class.
    Files.createDirectories(glue.resolve("STS-B"));
    String header = "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n";
    String row = "\tmain\tf\t2024\t0\tnone\tnone\ta b\tc d\t2.5\n";
    Files.writeString(glue.resolve("STS-B/train.tsv"), header + "0" + row + "1" + row);
    Files.writeString(glue.resolve("STS-B/dev.tsv"), header + "0" + row);

    JsonObject tasks = Study.of(tiny(glue, tmp.resolve("out")), QUIET).describe().getAsJsonObject("tasks");

    JsonObject sst = tasks.getAsJsonObject("SST-2").getAsJsonObject(Study.MAJORITY);
    assertThat(sst.get("label").getAsString()).isEqualTo("1");
    assertThat(sst.get("index").getAsInt()).isEqualTo(1);
    assertThat(sst.get("train_share").getAsDouble()).isEqualTo(0.75);
    assertThat(sst.getAsJsonObject("dev").get("accuracy").getAsDouble()).isEqualTo(1.0 / 3);
    assertThat(tasks.getAsJsonObject("STS-B").has(Study.MAJORITY)).isFalse();
  }

  @Test
  void withDrawsPerSeedEachSeedTrainsOnItsOwnDrawOfTheSameSizeAndDescribeRecordsEachDrawsMajority()
      throws IOException {
    // Twelve SST-2 training rows, a cap of 6 drawn at random: the preset's seed 13, or each study seed.
    Path glue = tmp.resolve("draws");
    Files.createDirectories(glue.resolve("SST-2"));
    StringBuilder train = new StringBuilder("sentence\tlabel\n");
    for (int i = 0; i < 12; i++) {
      train.append("s").append(i).append('\t').append(i < 4 ? 0 : 1).append('\n');
    }
    Files.writeString(glue.resolve("SST-2/train.tsv"), train);
    Files.writeString(glue.resolve("SST-2/dev.tsv"), "sentence\tlabel\ne\t1\nf\t0\n");
    StudyConfig capped = tiny(glue, tmp.resolve("out")).withPreset(TINY.withTrainCap(TrainCap.random(6, 13)))
        .withSeeds(List.of(1L, 2L, 3L));
    Study fixed = Study.of(capped, QUIET);
    Study drawn = Study.of(capped.withDrawPerSeed(true), QUIET);

    assertThat(fixed.tasks(1).get(0).train()).isEqualTo(fixed.tasks(2).get(0).train())
        .isEqualTo(fixed.tasks().get(0).train());
    List<Set<String>> draws = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      assertThat(drawn.tasks(seed).get(0).train()).hasSize(6);
      draws.add(drawn.tasks(seed).get(0).train().stream().map(Example::id).collect(Collectors.toSet()));
      assertThat(drawn.tasks(seed).get(0).dev()).isEqualTo(fixed.tasks().get(0).dev());
    }
    assertThat(Set.copyOf(draws)).as("three seeds, three draws").hasSize(3);

    JsonObject description = drawn.describe();
    assertThat(description.get(Study.TRAIN_DRAW).getAsString()).isEqualTo(Study.PER_SEED);
    JsonObject sst = description.getAsJsonObject("tasks").getAsJsonObject("SST-2");
    assertThat(sst.has(Study.MAJORITY)).isFalse();
    assertThat(sst.getAsJsonObject(Study.MAJORITY_BY_SEED).keySet()).containsExactly("1", "2", "3");
    assertThat(fixed.describe().has(Study.TRAIN_DRAW)).as("absent for a study whose seeds share a draw").isFalse();
  }

  @Test
  void theGoldEpochControlTrainsTheBamModelOnEveryTaskOnceWithTheFineTuningSchedule() throws Exception {
    Path out = tmp.resolve("control");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Study study = tinyStudy(out, log, EnumSet.of(StudyMethod.BAM_GOLD_EPOCH));
    // Single x 2 tasks, BAM, the control.
    assertThat(study.jobs()).hasSize(4);
    assertThat(study.runWorker("launch")).as(() -> log.toString(StandardCharsets.UTF_8)).isZero();

    Path control = out.resolve("bam-gold-epoch/seed-1");
    assertThat(control.resolve("dev/SST-2.tsv")).isRegularFile();
    assertThat(control.resolve("dev/STS-B.tsv")).isRegularFile();
    String config = Files.readString(control.resolve("run/run-config.json"));
    assertThat(config).contains("\"learningRate\": 5.0E-4", "\"sampler\": \"size^1.0\"", "\"teachers\": {}");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void theJobOfAWorkerThatDiedIsTakenByAnotherWorkerOfItsLaunch() throws Exception {
    Path out = tmp.resolve("died");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Study study = tinyStudy(out, log, EnumSet.of(StudyMethod.SINGLE));
    // A worker of this launch claimed Single on SST-2 and was killed: its claim is left, its lock went with it.
    Files.createDirectories(out.resolve("claims"));
    Files.writeString(out.resolve("claims/single_seed-1_SST-2.launch"), "");

    assertThat(study.runWorker("launch")).as(() -> log.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(study.jobs()).allSatisfy(j -> assertThat(j.dir(out).resolve(StudyJob.DONE)).isRegularFile());
  }

  @Test
  void aClaimIsTakenWhileItsWorkerHoldsItAndFreeOnceItLetsGo() throws Exception {
    Path out = tmp.resolve("claims");
    StudyJob job = new StudyJob(StudyMethod.SINGLE, 1, "SST-2");
    JobClaims claims = new JobClaims(out, "launch");
    try (JobClaims.Claim held = claims.claim(job)) {
      assertThat(held).isNotNull();
      assertThat(claims.claim(job)).isNull();
      assertThat(claims.taken(job)).isTrue();
    }
    assertThat(claims.taken(job)).isFalse();
    assertThat(new JobClaims(out, "other-launch").taken(job)).isFalse();
    claims.markFailed(job, "diverged");
    assertThat(claims.claim(job)).isNull();
    assertThat(claims.taken(job)).isFalse();
  }

  @Test
  void jobsClaimedByAnotherWorkerAreLeftToItAndDependantsOfAFailedJobDoNotRun() throws Exception {
    Path out = tmp.resolve("study");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Study study = tinyStudy(out, log, EnumSet.of(StudyMethod.SINGLE_SINGLE));
    // Another worker of this launch claimed Single on SST-2, and it failed.
    Files.createDirectories(out.resolve("claims"));
    Files.writeString(out.resolve("claims/single_seed-1_SST-2.launch"), "");
    Files.writeString(out.resolve("claims/single_seed-1_SST-2.launch.failed"), "diverged");

    assertThat(study.runWorker("launch")).isZero();

    assertThat(out.resolve("single/seed-1/STS-B/" + StudyJob.DONE)).isRegularFile();
    assertThat(out.resolve("single-single/seed-1/STS-B/" + StudyJob.DONE)).isRegularFile();
    assertThat(out.resolve("single/seed-1/SST-2")).doesNotExist();
    assertThat(out.resolve("single-single/seed-1/SST-2")).doesNotExist();
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("2 job(s) left wait on failed jobs");
  }
}
