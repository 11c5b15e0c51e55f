package io.github.bamjava.glue;

import io.github.bamjava.pipeline.DevScores;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Stage;
import io.github.bamjava.task.TrainCap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.internal.io.OutputLock;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.train.RunConfig;
import io.github.bamjava.train.SyntheticTasks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on a tiny GLUE-layout fixture and a tiny random encoder. */
class GlueBamTest {

  /** Seconds-long stages: what is tested is the wiring, not the accuracy. */
  private static final Preset TINY = new Preset(new Recipe("tiny", new Stage(1e-3, 16, 1),
      new Stage(1e-3, 16, 1), new Stage(5e-4, 16, 1), 32, 0.9, 0.75, HeadOptions.DEFAULT, false),
      TrainBudget.of(TrainCap.all()));

  /** A run of {@link #TINY} on a tiny random encoder. */
  private static GlueBam.Settings tiny(Path glue, Path out) {
    return GlueBam.Settings.of(glue, out).withPreset(TINY)
        .withPipeline(p -> p.withEncoder(SyntheticTasks.tinyEncoder(7)));
  }

  @TempDir Path tmp;

  @Test
  void runsThePipelineAndReusesFinishedTeachersOnASecondRun() throws IOException {
    Path glue = tmp.resolve("glue");
    GlueFixtures.writeSentimentAndSimilarity(glue);
    Path out = tmp.resolve("out");
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    GlueBam bam = GlueBam.of(GlueBam.Settings.of(glue, out)
        .withPreset(TINY)
        .withSymmetricPairs(true)
        .withPipeline(p -> p.withEncoder(SyntheticTasks.tinyEncoder(7)).withFinetune(true)),
        new PrintStream(progress, true, StandardCharsets.UTF_8));

    GlueBam.Result result = bam.run();

    for (String task : List.of("SST-2", "STS-B")) {
      assertThat(out.resolve("teachers/" + task + "/model/tasks.json")).isRegularFile();
      assertThat(out.resolve("teachers/" + task + ".predictions.safetensors")).isRegularFile();
      assertThat(out.resolve("finetune/" + task + "/model/tasks.json")).isRegularFile();
    }
    assertThat(out.resolve("student/model/tasks.json")).isRegularFile();
    assertThat(result.scores().keySet())
        .containsExactly(GlueBam.MAJORITY, GlueBam.BEST_CONSTANT, GlueBam.SINGLE, GlueBam.BAM,
            GlueBam.BAM_FINETUNED);
    // STS-B is a regression: no majority class, 0 in the baseline's GLUE score
    assertThat(result.scores().get(GlueBam.MAJORITY).taskScores().get("STS-B")).isZero();
    assertThat(result.scores().get(GlueBam.BAM).rows()).extracting(DevScores.Row::name)
        .containsExactly("SST-2", "STS-B");
    String md = Files.readString(out.resolve("results.md"));
    assertThat(md).contains("| Task | Majority class | Best constant | Single | BAM | BAM+FT |",
        "a regression task (STS-B) has none", "Best constant: the label that",
        "| SST-2 |", "| STS-B |", "GLUE score");
    assertThat(Files.readString(out.resolve("results.json"))).contains("\"preset\": \"tiny\"", "\"BAM\"",
        "\"glueScore\"");
    assertThat(result.submissionFiles()).containsExactly(out.resolve("submission/SST-2.tsv"),
        out.resolve("submission/STS-B.tsv"));
    List<String> sst = Files.readAllLines(out.resolve("submission/SST-2.tsv"));
    assertThat(sst).hasSize(21).first().isEqualTo("index\tprediction");
    assertThat(sst.subList(1, sst.size())).allMatch(l -> l.matches("\\d+\t[01]"));
    List<String> sts = Files.readAllLines(out.resolve("submission/STS-B.tsv"));
    assertThat(sts.subList(1, sts.size())).hasSize(20).allMatch(l -> l.matches("\\d+\t\\d\\.\\d{1,3}|\\d+\t\\d"));
    // Symmetric pairs: STS-B's teacher saw every pair in both orders.
    assertThat(progress.toString(StandardCharsets.UTF_8))
        .contains("teacher 1/2: SST-2", "teacher 2/2: STS-B (120 train");

    Path teacherWeights = out.resolve("teachers/SST-2/model/model.safetensors");
    Path predictions = out.resolve("teachers/STS-B.predictions.safetensors");
    FileTime weightsTime = Files.getLastModifiedTime(teacherWeights);
    FileTime predictionsTime = Files.getLastModifiedTime(predictions);
    progress.reset();

    GlueBam.Result again = bam.run();

    assertThat(Files.getLastModifiedTime(teacherWeights)).isEqualTo(weightsTime);
    assertThat(Files.getLastModifiedTime(predictions)).isEqualTo(predictionsTime);
    assertThat(progress.toString(StandardCharsets.UTF_8))
        .contains("teacher 1/2: SST-2: reusing the finished teacher", "reusing predictions");
    assertThat(again.scores().get(GlueBam.SINGLE).glueScore())
        .isEqualTo(result.scores().get(GlueBam.SINGLE).glueScore());
    // The finished student was reused (its model and result.json): the same model, the same scores.
    assertThat(again.scores().get(GlueBam.BAM).glueScore())
        .isEqualTo(result.scores().get(GlueBam.BAM).glueScore());
  }

  @Test
  void relabelledTrainingDataRetrainsItsTeacherAndTheStudentAndSaysWhy() throws IOException {
    Path glue = tmp.resolve("glue");
    GlueFixtures.writeSentimentAndSimilarity(glue);
    Path out = tmp.resolve("out");
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    GlueBam bam = GlueBam.of(tiny(glue, out), new PrintStream(progress, true, StandardCharsets.UTF_8));
    bam.run();
    Path stsTeacher = out.resolve("teachers/STS-B/model/model.safetensors");
    FileTime stsTime = Files.getLastModifiedTime(stsTeacher);

    // Flip the label of SST-2's first training row; same text, so only a fingerprint with labels sees it.
    Path train = glue.resolve("SST-2/train.tsv");
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(train));
    String row = lines.get(1);
    lines.set(1, row.substring(0, row.length() - 1) + (row.endsWith("1") ? "0" : "1"));
    Files.write(train, lines);
    progress.reset();
    bam.run();

    String log = progress.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("teacher 1/2: SST-2: training again")
        .contains("tasks[0].train_data")
        .contains("teacher 2/2: STS-B: reusing the finished teacher")
        .contains("student: training again");
    assertThat(Files.getLastModifiedTime(stsTeacher)).isEqualTo(stsTime);
  }

  @Test
  void aTeacherEnsembleTrainsOneTeacherPerSeedAndTheStudentLearnsFromTheirMean() throws IOException {
    Path glue = tmp.resolve("glue");
    GlueFixtures.writeSentimentAndSimilarity(glue);
    Path out = tmp.resolve("out");
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    GlueBam.of(tiny(glue, out).withPipeline(p -> p.withTeachersPerTask(2).withSeed(5)),
        new PrintStream(progress, true, StandardCharsets.UTF_8)).run();

    for (String member : List.of("SST-2", "SST-2-2", "STS-B", "STS-B-2")) {
      assertThat(out.resolve("teachers/" + member + "/model/tasks.json")).isRegularFile();
      assertThat(out.resolve("teachers/" + member + ".predictions.safetensors")).isRegularFile();
    }
    // Member k trains with seed + k.
    assertThat(RunConfig.readKey(out.resolve("teachers/SST-2")).orElseThrow().get("seed").getAsLong()).isEqualTo(5);
    assertThat(RunConfig.readKey(out.resolve("teachers/SST-2-2")).orElseThrow().get("seed").getAsLong())
        .isEqualTo(6);
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("teacher 1/2: SST-2-2");
    // The student's teacher is the mean of the two members' predictions.
    TeacherPredictions a = TeacherPredictions.read(out.resolve("teachers/SST-2.predictions.safetensors"));
    TeacherPredictions b = TeacherPredictions.read(out.resolve("teachers/SST-2-2.predictions.safetensors"));
    assertThat(a.contentHash()).isNotEqualTo(b.contentHash());
    String mean = TeacherPredictions.average(List.of(a, b)).contentHash();
    assertThat(RunConfig.readKey(out.resolve("student")).orElseThrow().getAsJsonObject("teachers")
        .get("SST-2").getAsString()).isEqualTo(mean);
  }

  @Test
  void theSubmissionFolderHoldsOnlyThisRunsFiles() throws IOException {
    Path glue = tmp.resolve("glue");
    GlueFixtures.writeSentimentAndSimilarity(glue);
    Path out = tmp.resolve("out");
    GlueBam.Settings bam = tiny(glue, out);
    GlueBam.of(bam.withTasks(List.of(GlueTask.SST2, GlueTask.STSB)), null).run();
    assertThat(out.resolve("submission/STS-B.tsv")).isRegularFile();

    // Again on SST-2 alone: a new student, whose submission must not sit beside the old student's STS-B file.
    GlueBam.Result again = GlueBam.of(bam.withTasks(List.of(GlueTask.SST2)), null).run();

    assertThat(again.submissionFiles()).containsExactly(out.resolve("submission/SST-2.tsv"));
    try (var files = Files.list(out.resolve("submission"))) {
      assertThat(files).containsExactly(out.resolve("submission/SST-2.tsv"));
    }
  }

  @Test
  void swappedPairsDoubleTheTrainingSetAndKeepDevAndTest() {
    Task task = Task.builder("MRPC", TaskKind.Classification.of("0", "1"))
        .setTrain(List.of(Example.pair("a", "one", "two", "1")))
        .optDev(List.of(Example.pair("d", "x", "y", "0")))
        .build();

    Task swapped = GlueBam.withSwappedPairs(task);

    assertThat(swapped.train()).containsExactly(Example.pair("a", "one", "two", "1"),
        Example.pair("a-swapped", "two", "one", "1"));
    assertThat(swapped.dev()).isEqualTo(task.dev());
  }

  @Test
  void everyMethodIsScoredOnMnliMismatchedToo() throws IOException {
    Path glue = tmp.resolve("glue");
    GlueFixtures.writeAll(glue);
    GlueBam.Result result = GlueBam.of(tiny(glue, tmp.resolve("out")).withTasks(List.of(GlueTask.MNLI)), null)
        .run();

    for (String method : List.of(GlueBam.MAJORITY, GlueBam.BEST_CONSTANT, GlueBam.SINGLE, GlueBam.BAM)) {
      assertThat(result.scores().get(method).rows()).as(method).extracting(DevScores.Row::name)
          .containsExactly("MNLI-m", "MNLI-mm");
    }
    // Both mismatched dev pairs are contradictions, which the training data (neutral, entailment) never has.
    assertThat(result.scores().get(GlueBam.MAJORITY).rows().get(1).metrics()).containsEntry("accuracy", 0.0);
    // ... while always answering "contradiction", the best constant there, gets both right.
    assertThat(result.scores().get(GlueBam.BEST_CONSTANT).rows().get(1).metrics()).containsEntry("accuracy", 1.0);
  }

  @Test
  void aBadEvaluationFileReadOnlyAfterTrainingFailsBeforeAnyTraining() throws IOException {
    Path glue = tmp.resolve("glue");
    GlueFixtures.writeAll(glue);
    // MNLI-mm's dev set and AX are scored and predicted after training; a broken one must not cost the training
    Path mm = GlueFixtures.write(glue, "MNLI/dev_mismatched.tsv", GlueFixtures.row("index", "promptID"));
    Path out = tmp.resolve("out");
    GlueBam bam = GlueBam.of(tiny(glue, out).withTasks(List.of(GlueTask.MNLI)), null);
    assertThatThrownBy(bam::run).isInstanceOf(GlueFormatException.class)
        .hasMessageStartingWith(mm + ": ").hasMessageContaining("no examples");
    assertThat(out.resolve("teachers")).doesNotExist();

    GlueFixtures.writeAll(glue);
    Path ax = glue.resolve("diagnostic/diagnostic.tsv");
    Files.write(ax, new byte[] {'i', 'n', 'd', 'e', 'x', '\n', '0', '\t', (byte) 0xE9, '\t', 'B', '\n'});
    assertThatThrownBy(bam::run).hasMessageStartingWith(ax + ":2: ").hasMessageContaining("not valid UTF-8");
    assertThat(out.resolve("teachers")).doesNotExist();
  }

  @Test
  void aSecondPipelineIntoTheSameDirectoryFailsAtOnce() throws IOException {
    Path glue = tmp.resolve("glue");
    GlueFixtures.writeAll(glue);
    Path out = Files.createDirectories(tmp.resolve("out"));
    GlueBam bam = GlueBam.of(tiny(glue, out).withTasks(List.of(GlueTask.SST2)), null);
    // As if another pipeline, with other settings, were running there: it would restart runs under it.
    try (OutputLock other = OutputLock.acquire(out)) {
      assertThatThrownBy(bam::run).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(out + " is in use by another training run");
    }
    assertThat(out.resolve("teachers")).doesNotExist();
  }

  @Test
  void refusesAMissingGlueDirectoryAndAnEmptyOne() throws IOException {
    assertThatThrownBy(() -> GlueBam.of(GlueBam.Settings.of(tmp.resolve("nope"), tmp), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    GlueBam bam = GlueBam.of(GlueBam.Settings.of(empty, tmp.resolve("o")), null);
    assertThatThrownBy(bam::run).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no GLUE task found").hasMessageContaining("empty");
  }
}
