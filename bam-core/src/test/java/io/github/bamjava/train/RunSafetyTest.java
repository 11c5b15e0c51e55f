package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.distill.ExampleFingerprint;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.internal.io.OutputLock;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskMetric;
import io.github.bamjava.task.TaskMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run refuses or guards against: changed data or settings on resume, a second run, bad output paths. */
class RunSafetyTest {

  @TempDir Path dir;

  private static BornAgainTrainer.Builder tiny(Path out, Task task) {
    return SyntheticTasks.tinyTrainer(out, List.of(task)).optEpochs(1);
  }

  /** The task with the first training example's label flipped: same text, other data. */
  private static Task relabelled(Task task) {
    List<Example> train = new ArrayList<>(task.train());
    Example first = train.get(0);
    train.set(0, new Example(first.id(), first.textA(), first.textB(), "1".equals(first.label()) ? "0" : "1"));
    return Task.builder(task.name(), task.kind()).setTrain(train).optDev(task.dev()).build();
  }

  @Test
  void theRunKeyCoversLabelsSoARelabelledRunIsNotResumed() throws Exception {
    Task task = SyntheticTasks.sentiment(32, 8, 1);
    tiny(dir, task).build().train();

    assertThat(tiny(dir, relabelled(task)).build().settings().runKey())
        .isNotEqualTo(tiny(dir, task).build().settings().runKey());
    assertThatThrownBy(() -> tiny(dir, relabelled(task)).build().train())
        .hasMessageContaining("holds a run with other settings")
        .hasMessageContaining("tasks[0].train_data: ");
  }

  @Test
  void aTornRunConfigIsReportedAsWhatIsWrongAndOnlyTheTrainerThatRefusesItSaysHowToStartAfresh()
      throws Exception {
    Task task = SyntheticTasks.sentiment(32, 8, 1);
    tiny(dir, task).build().train();
    Files.writeString(dir.resolve(RunConfig.FILE), "{\"resume_key\": {\"tas");

    // A pipeline restarts a changed run by itself: the line it prints says what is wrong, not what to do.
    assertThat(RunConfig.changesFrom(tiny(dir, task).build().settings())).singleElement().asString()
        .startsWith(dir.resolve(RunConfig.FILE) + " is not valid JSON").doesNotContain("delete");
    // The trainer itself refuses to reuse or resume the run, and says how to start afresh.
    assertThatThrownBy(() -> tiny(dir, task).build().train())
        .hasMessageContaining("is not valid JSON").hasMessageEndingWith("to start the run afresh");
  }

  @Test
  void theRunKeyCoversTheDevSetAndItsMetricsSoAFinishedRunReturnsNoStaleScores() throws Exception {
    Task task = SyntheticTasks.sentiment(32, 8, 1);
    tiny(dir, task).build().train();

    // The same number of dev examples, one relabelled: a finished run must not return its old scores.
    List<Example> dev = new ArrayList<>(task.dev());
    Example first = dev.get(0);
    dev.set(0, new Example(first.id(), first.textA(), first.textB(), "1".equals(first.label()) ? "0" : "1"));
    Task corrected = Task.builder(task.name(), task.kind()).setTrain(task.train()).optDev(dev).build();
    assertThatThrownBy(() -> tiny(dir, corrected).build().train())
        .hasMessageContaining("holds a run with other settings")
        .hasMessageContaining("tasks[0].dev_data: ");

    Task otherMetric = Task.builder(task.name(), task.kind()).setTrain(task.train()).optDev(task.dev())
        .optMetrics(TaskMetrics.MATTHEWS).build();
    assertThat(RunConfig.changesFrom(tiny(dir, otherMetric).build().settings()))
        .anyMatch(line -> line.startsWith("tasks[0].metrics[0]: "));
  }

  @Test
  void aRunSavedBeforeTheDevSetWasInItsKeyResumesUncheckedOnIt() throws Exception {
    Task task = SyntheticTasks.sentiment(32, 8, 1);
    tiny(dir, task).build().train();
    Path config = dir.resolve(RunConfig.FILE);
    JsonObject saved = JsonParser.parseString(Files.readString(config, StandardCharsets.UTF_8)).getAsJsonObject();
    JsonObject savedTask = saved.getAsJsonObject("resume_key").getAsJsonArray("tasks").get(0).getAsJsonObject();
    savedTask.remove(RunConfig.DEV_DATA);
    savedTask.remove(RunConfig.METRICS);
    Files.writeString(config, saved.toString(), StandardCharsets.UTF_8);

    assertThat(RunConfig.changesFrom(tiny(dir, task).build().settings())).isEmpty();
    // Any other field still counts when it is missing.
    savedTask.remove("train_data");
    Files.writeString(config, saved.toString(), StandardCharsets.UTF_8);
    assertThat(RunConfig.changesFrom(tiny(dir, task).build().settings()))
        .containsExactly("tasks[0].train_data: (absent) → \"" + ExampleFingerprint.withLabels(task.train()) + "\"");
  }

  @Test
  void aCheckpointDirectoryRetrainedInPlaceIsAnotherEncoderInTheRunKey() throws Exception {
    Task task = SyntheticTasks.sentiment(32, 8, 1);
    Path base = tiny(dir.resolve("base"), task).build().train().modelDir();
    Path other = tiny(dir.resolve("other"), task).optSeed(12).build().train().modelDir();
    EncoderSource fromBase = EncoderSource.huggingFace(base);
    tiny(dir.resolve("fine"), task).setEncoder(fromBase).build().train();
    assertThat(RunConfig.changesFrom(tiny(dir.resolve("fine"), task).setEncoder(fromBase).build().settings()))
        .isEmpty();

    // The same bytes elsewhere, or touched, have the same digest; the path stays in the key beside it.
    Path copy = Files.createDirectories(dir.resolve("copy"));
    try (var files = Files.list(base)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Files.setLastModifiedTime(copy.resolve("model.safetensors"), FileTime.fromMillis(0));
    assertThat(EncoderSource.huggingFace(copy).contentDigest()).isEqualTo(fromBase.contentDigest()).isPresent();

    // Retrained in place: the directory's name is the same, its weights are not.
    Files.copy(other.resolve("model.safetensors"), base.resolve("model.safetensors"),
        StandardCopyOption.REPLACE_EXISTING);
    assertThat(RunConfig.changesFrom(tiny(dir.resolve("fine"), task).setEncoder(fromBase).build().settings()))
        .singleElement().asString().startsWith(RunConfig.ENCODER_DATA + ": ");
    assertThatThrownBy(() -> tiny(dir.resolve("fine"), task).setEncoder(EncoderSource.huggingFace(base)).build()
        .train()).hasMessageContaining("holds a run with other settings");

    // A run saved before the digest was in its key resumes unchecked on it.
    Path config = dir.resolve("fine").resolve(RunConfig.FILE);
    JsonObject saved = JsonParser.parseString(Files.readString(config, StandardCharsets.UTF_8)).getAsJsonObject();
    saved.getAsJsonObject("resume_key").remove(RunConfig.ENCODER_DATA);
    Files.writeString(config, saved.toString(), StandardCharsets.UTF_8);
    assertThat(RunConfig.changesFrom(tiny(dir.resolve("fine"), task).setEncoder(fromBase).build().settings()))
        .isEmpty();
  }

  @Test
  void aMetricThatScoresNaNIsLoggedAndTheRunEnds() throws Exception {
    TaskMetric undefined = new TaskMetric() {
      @Override
      public String name() {
        return "undefined";
      }

      @Override
      public double compute(double[] gold, double[] predicted) {
        return Double.NaN;
      }
    };
    Task base = SyntheticTasks.sentiment(32, 8, 1);
    Task task = Task.builder(base.name(), base.kind()).setTrain(base.train()).optDev(base.dev())
        .optMetrics(undefined).build();
    // Epoch ends write checkpoints that carry the epoch's dev scores.
    RunResult run = tiny(dir, task).optEpochs(2).optKeepFinalCheckpoint(true).build().train();
    assertThat(run.finalDev().get(task.name()).get("undefined")).isNaN();
  }

  @Test
  void aRefusalListsEachChangedSettingOnItsOwnLine() throws Exception {
    Task task = SyntheticTasks.sentiment(32, 8, 1);
    tiny(dir, task).build().train();

    assertThatThrownBy(() -> tiny(dir, task).optBatchSize(8).optLearningRate(1e-3).build().train())
        .hasMessageContaining("\n  batchSize: 16 → 8")
        .hasMessageContaining("\n  optimizer.learningRate: 0.002 → 0.001")
        .hasMessageNotContaining("%n")
        .hasMessageNotContaining("epochs");
    // Where and how often a run writes may change between a run and its resume.
    assertThat(RunConfig.changesFrom(tiny(dir, task).optCheckpointEvery(7).build().settings())).isEmpty();
  }

  @Test
  void aSecondRunIntoALockedFolderFailsAtOnceNamingItAndThePid() throws Exception {
    Task task = SyntheticTasks.sentiment(32, 8, 1);
    Files.createDirectories(dir);
    try (OutputLock held = OutputLock.acquire(dir)) {
      assertThatThrownBy(() -> tiny(dir, task).build().train())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("PID " + ProcessHandle.current().pid());
    }
    // Released: the run goes ahead.
    assertThat(tiny(dir, task).build().train().modelDir()).exists();
  }

  @Test
  void aTornRunConfigIsAClearErrorNamingTheFile() throws Exception {
    Task task = SyntheticTasks.sentiment(32, 8, 1);
    tiny(dir, task).optCheckpointEvery(1).build().train();
    Path config = dir.resolve(RunConfig.FILE);
    String text = Files.readString(config, StandardCharsets.UTF_8);
    Files.writeString(config, text.substring(0, text.length() / 2), StandardCharsets.UTF_8);

    assertThatThrownBy(() -> tiny(dir, task).build().train())
        .hasMessageContaining(config.toString())
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void runConfigIsWrittenAtomically() throws Exception {
    Task task = SyntheticTasks.sentiment(32, 8, 1);
    tiny(dir, task).build().train();
    // No temporary file is left beside it, and it parses.
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
    assertThat(RunConfig.readKey(dir)).isPresent();
  }

  @Test
  void aMaxLengthBeyondTheEncodersPositionsIsRefusedBeforeTraining() {
    // The tiny encoder has 64 positions; short examples would not meet the limit until a long one came.
    assertThatThrownBy(() -> tiny(dir, SyntheticTasks.sentiment(32, 8, 1)).optMaxLength(65).build().train())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max length 65 is longer than the 64 positions of")
        .hasMessageContaining("at most 64");
    assertThat(dir.resolve("checkpoints")).doesNotExist();
  }

  @Test
  void anOutputPathThatIsAFileIsAClearError() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> tiny(file, SyntheticTasks.sentiment(8, 0, 1)).build().train())
        .hasMessageContaining("output directory " + file + " is a file");
  }

  @Test
  void aBuiltTrainerIsNotChangedByItsBuilder() {
    Task one = SyntheticTasks.sentiment(8, 0, 1);
    BornAgainTrainer.Builder builder = tiny(dir, one);
    BornAgainTrainer first = builder.build();
    builder.addTask(SyntheticTasks.stars(8, 0, 3));
    BornAgainTrainer second = builder.build();

    assertThat(first.settings().tasks()).hasSize(1);
    assertThat(first.settings().bucketByLength()).isTrue(); // one task: bucketed by default
    // The first build must not have fixed the default for the next: two tasks are not bucketed.
    assertThat(second.settings().tasks()).hasSize(2);
    assertThat(second.settings().bucketByLength()).isFalse();
  }
}
