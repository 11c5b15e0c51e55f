package io.github.bamjava.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a prediction cuts its length-sorted examples into batches: at most so many examples, and at most so many
 * tokens once padded to the batch's longest, so that a batch's memory does not grow with the inputs' length.
 */
class InferenceBatchBoundsTest {

  /** The sizes of the batches {@link BatchPredictor#batchEnd} makes of {@code lengths}. */
  private static List<Integer> batches(int[] lengths, int batchSize, int batchTokens) {
    List<Integer> sizes = new ArrayList<>();
    for (int start = 0; start < lengths.length; ) {
      int end = BatchPredictor.batchEnd(lengths, start, batchSize, batchTokens);
      sizes.add(end - start);
      start = end;
    }
    return sizes;
  }

  private static int[] repeat(int length, int count) {
    int[] out = new int[count];
    java.util.Arrays.fill(out, length);
    return out;
  }

  @Test
  void shortInputsFillTheBatchSize() {
    assertThat(batches(repeat(20, 300), 128, 4096)).containsExactly(128, 128, 44);
  }

  @Test
  void longInputsGoInSmallerBatchesOfTheSameTokens() {
    assertThat(batches(repeat(128, 100), 128, 4096)).containsExactly(32, 32, 32, 4);
    assertThat(batches(repeat(43, 200), 128, 4096)).containsExactly(95, 95, 10);
  }

  @Test
  void theLongestOfABatchCountsForEveryExampleInIt() {
    // Three of 10 and one of 40: padded to 40, the four are 160 tokens, over a budget of 100.
    assertThat(batches(new int[] {10, 10, 10, 40}, 128, 100)).containsExactly(3, 1);
    assertThat(batches(new int[] {10, 10, 10, 40}, 128, 160)).containsExactly(4);
  }

  @Test
  void anExampleLongerThanTheBudgetIsABatchOfItsOwn() {
    assertThat(batches(new int[] {5, 300, 400}, 128, 256)).containsExactly(1, 1, 1);
  }

  @Test
  void everyExampleIsInExactlyOneBatch() {
    int[] lengths = new int[1000];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = 3 + i / 8; // 3 .. 127 tokens, sorted
    }
    List<Integer> sizes = batches(lengths, 128, 4096);
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
    int start = 0;
    for (int size : sizes) {
      assertThat(size).isBetween(1, 128);
      assertThat((long) size * lengths[start + size - 1]).isLessThanOrEqualTo(4096);
      start += size;
    }
  }
}
