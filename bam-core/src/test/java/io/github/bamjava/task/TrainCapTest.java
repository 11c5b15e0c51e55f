package io.github.bamjava.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A cap's choice of rows from a count alone is the choice it has always made from the list. */
class TrainCapTest {

  /** The selection as it was made before readers streamed: shuffle all positions, keep the first N, sorted. */
  private static List<Integer> shuffledSelection(int size, int limit, long seed) {
    List<Integer> indices = new ArrayList<>(IntStream.range(0, size).boxed().toList());
    Collections.shuffle(indices, new Random(seed));
    List<Integer> kept = new ArrayList<>(indices.subList(0, limit));
    Collections.sort(kept);
    return kept;
  }

  @Test
  void aRandomCapChoosesTheRowsCollectionsShuffleChose() {
    for (int size : new int[] {2, 5, 101, 7000, 67_349}) {
      for (long seed : new long[] {0, 13, 20_190_601}) {
        int limit = Math.max(1, size / 3);
        int[] chosen = TrainCap.random(limit, seed).choose(size);
        assertThat(chosen).as("size %s seed %s", size, seed)
            .containsExactly(shuffledSelection(size, limit, seed).stream().mapToInt(i -> i).toArray());
      }
    }
  }

  @Test
  void applyKeepsTheChosenRowsAndShortListsWhole() {
    List<Integer> rows = IntStream.range(0, 1000).boxed().toList();
    assertThat(TrainCap.random(10, 42).apply(rows)).isEqualTo(shuffledSelection(1000, 10, 42));
    assertThat(TrainCap.first(3).apply(rows)).containsExactly(0, 1, 2);
    assertThat(TrainCap.random(2000, 42).apply(rows)).isSameAs(rows);
    assertThat(TrainCap.random(5, 1).choose(3)).containsExactly(0, 1, 2);
    assertThat(TrainCap.first(5).choose(0)).isEmpty();
  }
}
