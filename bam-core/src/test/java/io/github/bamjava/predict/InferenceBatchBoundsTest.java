package io.github.bamjava.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.encoder.EncoderInputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How a prediction cuts its length-sorted examples into batches, and the shapes it runs them in: at most so many
 * rows, and at most so many tokens once padded, so that a batch's memory does not grow with the inputs' length;
 * and few distinct shapes over a long input, so that malloc can hand the same blocks back batch after batch.
 */
class InferenceBatchBoundsTest {

  /** The batches {@link BatchPredictor.Batch#at} makes of {@code lengths}, the longest input allowed 128. */
  private static List<BatchPredictor.Batch> batches(int[] lengths, int batchSize, int batchTokens) {
    List<BatchPredictor.Batch> out = new ArrayList<>();
    for (int start = 0; start < lengths.length; ) {
      BatchPredictor.Batch batch = BatchPredictor.Batch.at(lengths, start, batchSize, batchTokens, 128);
      out.add(batch);
      start = batch.end();
    }
    return out;
  }

  private static List<Integer> sizes(int[] lengths, int batchSize, int batchTokens) {
    return batches(lengths, batchSize, batchTokens).stream().map(b -> b.end() - b.start()).toList();
  }

  private static int[] repeat(int length, int count) {
    int[] out = new int[count];
    Arrays.fill(out, length);
    return out;
  }

  @Test
  void shortInputsFillTheBatchSize() {
    assertThat(sizes(repeat(20, 300), 128, 4096)).containsExactly(128, 128, 44);
  }

  @Test
  void longInputsGoInSmallerBatchesOfTheSameTokens() {
    assertThat(sizes(repeat(128, 100), 128, 4096)).containsExactly(32, 32, 32, 4);
    // 43 tokens are padded to 48: 85 rows of 48 are 4,080 tokens.
    assertThat(sizes(repeat(43, 200), 128, 4096)).containsExactly(85, 85, 30);
  }

  @Test
  void theLongestOfABatchRoundedUpCountsForEveryExampleInIt() {
    // Three of 10 and one of 40: padded to 16 and 40, the four are 160 tokens, over a budget of 100.
    assertThat(sizes(new int[] {10, 10, 10, 40}, 128, 100)).containsExactly(3, 1);
    assertThat(sizes(new int[] {10, 10, 10, 40}, 128, 160)).containsExactly(4);
  }

  @Test
  void anExampleLongerThanTheBudgetIsABatchOfItsOwn() {
    assertThat(sizes(new int[] {5, 300, 400}, 128, 256)).containsExactly(1, 1, 1);
    BatchPredictor.Batch alone = BatchPredictor.Batch.at(new int[] {300}, 0, 128, 256, 128);
    assertThat(alone.rows()).isEqualTo(1);
    assertThat(alone.length()).isEqualTo(300); // longer than allowed: never cut, never padded
    assertThat(alone.packedTokens()).isEqualTo(300);
  }

  @Test
  void paddedLengthsAreMultiplesOfTheStepButNeverBeyondTheLongestAllowed() {
    assertThat(EncoderInputs.roundedLength(1, 128)).isEqualTo(8);
    assertThat(EncoderInputs.roundedLength(8, 128)).isEqualTo(8);
    assertThat(EncoderInputs.roundedLength(9, 128)).isEqualTo(16);
    assertThat(EncoderInputs.roundedLength(99, 100)).isEqualTo(100);
    assertThat(EncoderInputs.roundedLength(100, 100)).isEqualTo(100);
    assertThat(EncoderInputs.roundedLength(130, 128)).as("an input beyond the longest").isEqualTo(130);
  }

  @Test
  void shortBatchesArePaddedWithPlaceholderRowsToAPowerOfTwo() {
    BatchPredictor.Batch three = BatchPredictor.Batch.at(new int[] {5, 6, 7}, 0, 128, 4096, 128);
    assertThat(three.end()).isEqualTo(3);
    assertThat(three.rows()).isEqualTo(4);
    assertThat(three.length()).isEqualTo(8);
    // 18 tokens and one of the placeholder row: 19, computed as 32.
    assertThat(three.packedTokens()).isEqualTo(32);
    BatchPredictor.Batch one = BatchPredictor.Batch.at(new int[] {5}, 0, 128, 4096, 128);
    assertThat(List.of(one.rows(), one.length(), one.packedTokens())).containsExactly(1, 8, 8);
  }

  /**
   * Over windows of random lengths (3 to 128 tokens, as GLUE's): every example in exactly one batch, in order;
   * every batch within both caps and holding its examples; and the shapes few.
   */
  @Test
  void everyExampleIsInOneBatchWithinTheCapsAndTheShapesAreFew() {
    Random random = new Random(7);
    Set<List<Integer>> shapes = new HashSet<>();
    Set<Integer> packedSizes = new HashSet<>();
    for (int window = 0; window < 200; window++) {
      int[] lengths = new int[1 + random.nextInt(1024)];
      for (int i = 0; i < lengths.length; i++) {
        lengths[i] = 3 + (int) Math.min(125, Math.abs(random.nextGaussian() * 30));
      }
      Arrays.sort(lengths);
      int expectedStart = 0;
      for (BatchPredictor.Batch b : batches(lengths, 128, 4096)) {
        assertThat(b.start()).isEqualTo(expectedStart);
        int examples = b.end() - b.start();
        assertThat(examples).isBetween(1, b.rows());
        assertThat(b.rows()).isLessThanOrEqualTo(128);
        assertThat((long) b.rows() * b.length()).isLessThanOrEqualTo(4096);
        assertThat(b.length()).isGreaterThanOrEqualTo(lengths[b.end() - 1]);
        assertThat(b.length() % EncoderInputs.LENGTH_STEP).isZero();
        int tokens = b.rows() - examples;
        for (int i = b.start(); i < b.end(); i++) {
          tokens += lengths[i];
        }
        assertThat(b.packedTokens()).isBetween(tokens, b.rows() * b.length());
        shapes.add(List.of(b.rows(), b.length()));
        packedSizes.add(b.packedTokens());
        expectedStart = b.end();
      }
      assertThat(expectedStart).isEqualTo(lengths.length);
    }
    // 16 lengths, each with its full rows or a power of two below them; packed sizes in steps of 256, powers of
    // two below 256, or a whole batch's positions (one per length).
    assertThat(shapes.size()).isLessThanOrEqualTo(16 * 9);
    assertThat(packedSizes.size()).isLessThanOrEqualTo(4096 / BatchPredictor.PACKED_STEP + 9 + 16);
  }
}
