package io.github.bamjava.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.distill.PredictionShard;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.train.SyntheticTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The units of a run, what each needs, and when each is done, as one machine and a cluster both see them. */
class PipelineWorkTest {

  private static final Recipe TINY = new Recipe("tiny", new Stage(1e-3, 16, 1), new Stage(1e-3, 16, 1),
      new Stage(5e-4, 16, 1), 32, 0.9, 0.75, HeadOptions.DEFAULT, false);

  @TempDir Path tmp;

  private PipelineWork work(Path dir, int teachers) {
    PipelineSettings settings = PipelineSettings.DEFAULT.withEncoder(SyntheticTasks.tinyEncoder(7)).withRecipe(TINY)
        .withTeachersPerTask(teachers).withFinetune(true);
    return new PipelineWork(dir, settings, List.of(PipelineTask.of(SyntheticTasks.sentiment(32, 8, 1)),
        PipelineTask.of(SyntheticTasks.stars(32, 8, 2))), null);
  }

  @Test
  void unitsComeEachAfterTheOnesItNeeds() {
    PipelineWork work = work(tmp, 2);
    assertThat(work.units()).extracting(PipelineUnit::toString).containsExactly("teacher sentiment",
        "predictions sentiment", "teacher sentiment-2", "predictions sentiment-2", "teacher stars",
        "predictions stars", "teacher stars-2", "predictions stars-2", "student", "fine-tune sentiment",
        "fine-tune stars");
    List<PipelineUnit> units = work.units();
    for (PipelineUnit unit : units) {
      assertThat(work.inputs(unit)).as(unit.toString()).allMatch(u -> units.indexOf(u) < units.indexOf(unit));
    }
    assertThat(work.inputs(PipelineUnit.predictions("stars", 1))).containsExactly(PipelineUnit.teacher("stars", 1));
    assertThat(work.size(PipelineUnit.teacher("stars", 1))).as("a teacher's work: its task's texts").isPositive()
        .isEqualTo(work.size(PipelineUnit.predictions("stars", 0)));
    assertThat(work.size(PipelineUnit.student())).isZero();
    assertThat(work.inputs(PipelineUnit.student())).hasSize(4)
        .allMatch(u -> u.kind() == PipelineUnit.Kind.PREDICTIONS);
    assertThat(work.inputs(PipelineUnit.finetune("stars"))).containsExactly(PipelineUnit.student());
    assertThatThrownBy(() -> work.inputs(PipelineUnit.teacher("nope", 0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no task nope");
    assertThatThrownBy(() -> work.inputs(PipelineUnit.teacher("stars", 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 teacher(s) per task");
  }

  @Test
  void aFreshRunHasEverythingPendingAndAUnitWaitsForItsInputs() {
    PipelineWork work = work(tmp, 1);
    assertThat(work.pending(PipelineUnit.teacher("stars", 0))).get().asString().startsWith("no finished model");
    assertThat(work.pending(PipelineUnit.student())).get().asString()
        .isEqualTo("its input predictions sentiment is not done");
    assertThatThrownBy(() -> work.run(PipelineUnit.student())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("student needs predictions sentiment done first");
  }

  @Test
  void theKeyIsTheSameForTheSameRunAndChangesWithItsData() {
    String key = work(tmp, 1).key().toString();
    assertThat(work(tmp, 1).key().toString()).isEqualTo(key);
    PipelineSettings settings = PipelineSettings.DEFAULT.withEncoder(SyntheticTasks.tinyEncoder(7)).withRecipe(TINY)
        .withFinetune(true);
    PipelineWork otherData = new PipelineWork(tmp, settings, List.of(PipelineTask.of(SyntheticTasks.sentiment(32,
        8, 9)), PipelineTask.of(SyntheticTasks.stars(32, 8, 2))), null);
    assertThat(otherData.key().toString()).isNotEqualTo(key);
  }

  @Test
  void aDoneRunIsDoneAndADamagedModelIsNot() throws IOException {
    Path dir = tmp.resolve("run");
    new BamPipeline(dir, work(dir, 1).settings(), null).run(work(dir, 1).tasks());
    PipelineWork work = work(dir, 1);
    assertThat(work.units()).allMatch(u -> work.pending(u).isEmpty());
    Path weights = work.modelDir(PipelineUnit.teacher("stars", 0)).resolve("model.safetensors");
    Files.write(weights, new byte[] {1, 2, 3});
    PipelineWork again = work(dir, 1);
    assertThat(again.pending(PipelineUnit.teacher("stars", 0))).get().asString().contains("is unreadable");
    assertThat(again.pending(PipelineUnit.student())).get().asString().contains("is not done");
  }

  @Test
  void shardedPredictionsMergeIntoTheUnshardedFileByteForByteAndADamagedShardIsRedone() throws IOException {
    Path dir = tmp.resolve("sharded");
    PipelineSettings settings = PipelineSettings.DEFAULT.withEncoder(SyntheticTasks.tinyEncoder(7)).withRecipe(TINY);
    // More examples than one inference batch (128): shards of whole batches, a classification and a regression.
    List<PipelineTask> tasks = List.of(PipelineTask.of(SyntheticTasks.sentiment(400, 8, 1)),
        PipelineTask.of(SyntheticTasks.stars(300, 8, 2)));
    PipelineWork whole = new PipelineWork(dir, settings, tasks, null);
    assertThat(whole.units()).noneMatch(u -> u.kind() == PipelineUnit.Kind.SHARD);
    Map<String, byte[]> unsharded = new LinkedHashMap<>();
    for (String task : List.of("sentiment", "stars")) {
      whole.run(PipelineUnit.teacher(task, 0));
      whole.run(PipelineUnit.predictions(task, 0));
      Path file = dir.resolve("teachers/" + task + ".predictions.safetensors");
      unsharded.put(task, Files.readAllBytes(file));
      Files.delete(file);
    }

    PipelineWork sharded = new PipelineWork(dir, settings.withPredictionShard(150), tasks, null);
    assertThat(sharded.inputs(PipelineUnit.predictions("sentiment", 0))).containsExactly(
        PipelineUnit.shard("sentiment", 0, 0), PipelineUnit.shard("sentiment", 0, 1),
        PipelineUnit.shard("sentiment", 0, 2));
    assertThat(sharded.inputs(PipelineUnit.shard("stars", 0, 1))).containsExactly(PipelineUnit.teacher("stars", 0));
    assertThat(sharded.units()).filteredOn(u -> u.kind() == PipelineUnit.Kind.SHARD).hasSize(5);
    for (PipelineUnit unit : sharded.units()) {
      if (unit.kind() == PipelineUnit.Kind.SHARD) {
        sharded.run(unit);
      }
    }
    Path shard = dir.resolve("teachers/stars.predictions.shard-2-of-2.safetensors");
    assertThat(PredictionShard.read(shard).positions()).as("each shard holds whole batches").isNotEmpty();
    byte[] bytes = Files.readAllBytes(shard);
    Files.write(shard, Arrays.copyOf(bytes, bytes.length / 2));
    PipelineWork again = new PipelineWork(dir, settings.withPredictionShard(150), tasks, null);
    assertThat(again.pending(PipelineUnit.shard("stars", 0, 1))).get().asString().contains("is not usable");
    assertThat(again.pending(PipelineUnit.shard("stars", 0, 0))).isEmpty();
    again.run(PipelineUnit.shard("stars", 0, 1));
    for (String task : List.of("sentiment", "stars")) {
      again.run(PipelineUnit.predictions(task, 0));
      assertThat(Files.readAllBytes(dir.resolve("teachers/" + task + ".predictions.safetensors"))).as(task)
          .isEqualTo(unsharded.get(task));
    }
    try (var left = Files.list(dir.resolve("teachers"))) {
      assertThat(left.map(p -> p.getFileName().toString())).as("merged shards are deleted")
          .noneMatch(name -> name.contains(".shard-"));
    }
    PipelineWork after = new PipelineWork(dir, settings.withPredictionShard(150), tasks, null);
    assertThat(after.units()).filteredOn(u -> u.kind() != PipelineUnit.Kind.STUDENT)
        .allMatch(u -> after.pending(u).isEmpty());
  }
}
