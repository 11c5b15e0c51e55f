package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How many checkpoints a run keeps, and what a finished run leaves on disk. */
class CheckpointRetentionTest {

  @TempDir Path dir;

  private static BornAgainTrainer.Builder tiny(Path out) {
    Task task = SyntheticTasks.sentiment(64, 8, 1);
    return BornAgainTrainer.builder()
        .setEncoder(SyntheticTasks.tinyEncoder(7))
        .addTask(task)
        .setOutputDir(out)
        .optLearningRate(2e-3)
        .optBatchSize(16)
        .optMaxLength(32)
        .optEpochs(2)
        .optCheckpointEvery(1);
  }

  private static List<String> checkpoints(Path out) throws Exception {
    if (!Files.isDirectory(out.resolve("checkpoints"))) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList();
    }
  }

  @Test
  void aFinishedRunDeletesItsCheckpointsAndIsReusedWithoutTraining() throws Exception {
    Path out = dir.resolve("run");
    RunResult first = tiny(out).build().train();
    assertThat(checkpoints(out)).isEmpty();
    assertThat(out.resolve("checkpoints")).doesNotExist();
    FileTime saved = Files.getLastModifiedTime(first.modelDir().resolve("model.safetensors"));

    RunResult again = tiny(out).build().train();

    assertThat(again.finalDev()).isEqualTo(first.finalDev());
    assertThat(again.epochs()).isEqualTo(first.epochs());
    assertThat(Files.getLastModifiedTime(again.modelDir().resolve("model.safetensors"))).isEqualTo(saved);
  }

  @Test
  void keepsTheNewestNWhileTrainingAndTheLastWhenAsked() throws Exception {
    Path out = dir.resolve("run");
    int[] writes = {0};
    List<List<String>> seen = new java.util.ArrayList<>();
    BornAgainTrainer trainer = tiny(out).optKeepCheckpoints(3).optKeepFinalCheckpoint(true)
        .checkpointHook(() -> {
          try {
            seen.add(checkpoints(out));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          writes[0]++;
        })
        .build();
    trainer.train();

    // 8 steps, a checkpoint at each: never more than 3 complete ones on disk (plus the one being written).
    assertThat(writes[0]).isEqualTo(8);
    assertThat(seen).allSatisfy(names -> assertThat(names.stream().filter(n -> n.matches("step-\\d+")))
        .hasSizeLessThanOrEqualTo(3));
    assertThat(checkpoints(out)).containsExactly("step-6", "step-7", "step-8");
  }

  @Test
  void noCheckpointsAtAllWhenAskedAndTheRunStillFinishes() throws Exception {
    Path out = dir.resolve("run");
    int[] writes = {0};
    RunResult result = tiny(out).optKeepCheckpoints(0).checkpointHook(() -> writes[0]++).build().train();
    assertThat(writes[0]).isZero();
    assertThat(out.resolve("checkpoints")).doesNotExist();
    assertThat(result.modelDir().resolve("model.safetensors")).exists();
  }
}
