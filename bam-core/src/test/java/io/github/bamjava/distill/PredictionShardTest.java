package io.github.bamjava.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.task.Task;
import io.github.bamjava.train.SyntheticTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards of a teacher's predictions: written and read back, merged in place, and refused where they do not fit. */
class PredictionShardTest {

  @TempDir Path tmp;

  private final Task task = SyntheticTasks.sentiment(6, 2, 1);

  /** Logits of example i: (i, -i). */
  private PredictionShard shard(int shard, int shards, int... positions) {
    float[][] logits = new float[positions.length][];
    for (int i = 0; i < positions.length; i++) {
      logits[i] = new float[] {positions[i], -positions[i]};
    }
    return new PredictionShard(shard, shards, positions,
        TeacherPredictions.ofLogits(task, PredictionShard.examples(task, positions), logits));
  }

  @Test
  void shardsMergeIntoWhatOnePassOverAllExamplesMakesAndSurviveTheirFile() throws IOException {
    PredictionShard first = shard(0, 2, 0, 2, 5);
    Path file = tmp.resolve("shard.safetensors");
    first.write(file);
    PredictionShard read = PredictionShard.read(file);
    assertThat(read.positions()).containsExactly(0, 2, 5);
    assertThat(read.shard()).isZero();

    TeacherPredictions merged = PredictionShard.merge(task, List.of(read, shard(1, 2, 1, 3, 4)));
    float[][] logits = new float[6][];
    for (int i = 0; i < 6; i++) {
      logits[i] = new float[] {i, -i};
    }
    TeacherPredictions whole = TeacherPredictions.ofLogits(task, task.train(), logits);
    assertThat(merged.contentHash()).isEqualTo(whole.contentHash());
    merged.checkMatches(task, task.train());
  }

  @Test
  void aShardThatLeavesOutRepeatsOrMisnamesExamplesIsRefused() throws IOException {
    assertThatThrownBy(() -> PredictionShard.merge(task, List.of(shard(0, 2, 0, 1, 2), shard(1, 2, 3, 4))))
        .hasMessageContaining("example 5").hasMessageContaining("is in no shard");
    assertThatThrownBy(() -> PredictionShard.merge(task, List.of(shard(0, 2, 0, 1, 2), shard(1, 2, 2, 3, 4, 5))))
        .hasMessageContaining("example 2 is in two shards");
    assertThatThrownBy(() -> PredictionShard.merge(task, List.of(shard(1, 2, 0, 1, 2), shard(0, 2, 3, 4, 5))))
        .hasMessageContaining("shard 1 of 2 given as shard 0");
    // Outputs of examples 3-5 stored as if they were of 0-2: their fingerprint is of other examples.
    PredictionShard other = shard(0, 2, 3, 4, 5);
    PredictionShard misnamed = new PredictionShard(0, 2, new int[] {0, 1, 2}, other.predictions());
    assertThatThrownBy(() -> PredictionShard.merge(task, List.of(misnamed, shard(1, 2, 3, 4, 5))))
        .hasMessageContaining("shard 0 of " + task.name()).hasMessageContaining("other examples");

    Path file = tmp.resolve("whole.safetensors");
    TeacherPredictions.ofLogits(task, task.train(), new float[6][2]).write(file);
    assertThatThrownBy(() -> PredictionShard.read(file)).hasMessageContaining("is not a predictions shard");
    Files.writeString(tmp.resolve("torn.safetensors"), "{");
    assertThatThrownBy(() -> PredictionShard.read(tmp.resolve("torn.safetensors")))
        .hasMessageContaining("torn.safetensors");
  }
}
