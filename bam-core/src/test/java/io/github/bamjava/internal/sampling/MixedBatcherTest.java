package io.github.bamjava.internal.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.sampling.TaskSampler;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MixedBatcherTest {

  /** {@code n} examples, all of length 10. */
  private static int[] sameLengths(int n) {
    int[] lengths = new int[n];
    java.util.Arrays.fill(lengths, 10);
    return lengths;
  }

  private static int[] randomLengths(int n, Random random) {
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      lengths[i] = 5 + random.nextInt(96); // 5..100 tokens
    }
    return lengths;
  }

  @Test
  void slotsPerTaskUseLargestRemainderOnThePaperDefault() {
    // p ∝ size^0.75: 16 -> 8, 81 -> 27, 1 -> 1 (total 36). Epoch of 100 slots:
    //   exact 800/36 = 22.22, 2700/36 = 75.00, 100/36 = 2.78 -> floors 22 + 75 + 2 = 99;
    //   the one slot left goes to the largest remainder, task 2 (0.78) -> {22, 75, 3}.
    MixedBatcher batcher = new MixedBatcher(new int[][] {sameLengths(16), sameLengths(81), sameLengths(1)},
        TaskSampler.paperDefault(), 8, 100, 1, false);

    assertThat(batcher.slotsPerTask()).containsExactly(22, 75, 3);
    // ceil(100 / 8) = 13 batches: 12 full ones and one of 4.
    assertThat(batcher.batchesPerEpoch()).isEqualTo(13);
  }

  @Test
  void slotsPerTaskBreakTiesByTaskOrder() {
    // Uniform over 3 tasks: 10 / 3 = 3.33 each, floors 3 + 3 + 3 = 9, equal remainders -> task 0 gets the extra.
    int[][] lengths = {sameLengths(5), sameLengths(50), sameLengths(500)};
    assertThat(new MixedBatcher(lengths, TaskSampler.uniform(), 4, 10, 1, false).slotsPerTask())
        .containsExactly(4, 3, 3);
    // 11 / 3 = 3.67 each: floors sum to 9, two extra slots go to tasks 0 and 1.
    assertThat(new MixedBatcher(lengths, TaskSampler.uniform(), 4, 11, 1, false).slotsPerTask())
        .containsExactly(4, 4, 3);
    // Proportional over 5 + 50 + 500 = 555 with an epoch of 555: exactly the sizes.
    assertThat(new MixedBatcher(lengths, TaskSampler.proportional(), 4, 555, 1, false).slotsPerTask())
        .containsExactly(5, 50, 500);
  }

  @Test
  void planHasTheAnnouncedBatchesValidRefsAndExactTaskCounts() {
    Random random = new Random(7);
    int[][] lengths = {randomLengths(200, random), randomLengths(30, random), randomLengths(4, random)};
    for (boolean bucket : new boolean[] {false, true}) {
      MixedBatcher batcher = new MixedBatcher(lengths, TaskSampler.paperDefault(), 16, 250, 42, bucket);
      List<List<ExampleRef>> plan = batcher.plan(0);

      // ceil(250 / 16) = 16 batches; 15 x 16 = 240, the last one (wherever it lands) holds 10.
      assertThat(plan).hasSize(16);
      assertThat(plan.stream().mapToInt(List::size).sum()).isEqualTo(250);
      assertThat(plan.stream().filter(b -> b.size() == 10).count()).isEqualTo(1);
      int[] counts = new int[3];
      for (List<ExampleRef> batch : plan) {
        for (ExampleRef ref : batch) {
          assertThat(ref.task()).isBetween(0, 2);
          assertThat(ref.index()).isBetween(0, lengths[ref.task()].length - 1);
          counts[ref.task()]++;
        }
      }
      assertThat(counts).containsExactly(batcher.slotsPerTask());
    }
  }

  @Test
  void smallTaskCyclesThroughAllItsExamplesBeforeRepeating() {
    // Uniform over a task of 50 and a task of 3, epoch 20 -> 10 slots each. The small task's 10 slots are
    // three full passes (9) plus one: every example appears 3 or 4 times, exactly one appears 4 times.
    // The large task's 10 slots come from one pass: all distinct.
    MixedBatcher batcher = new MixedBatcher(new int[][] {sameLengths(50), sameLengths(3)}, TaskSampler.uniform(),
        4, 20, 3, false);
    assertThat(batcher.slotsPerTask()).containsExactly(10, 10);
    for (int epoch = 0; epoch < 5; epoch++) {
      int[] smallCounts = new int[3];
      Set<Integer> largeSeen = new HashSet<>();
      for (List<ExampleRef> batch : batcher.plan(epoch)) {
        for (ExampleRef ref : batch) {
          if (ref.task() == 1) {
            smallCounts[ref.index()]++;
          } else {
            assertThat(largeSeen.add(ref.index())).as("large-task example %s repeated", ref.index()).isTrue();
          }
        }
      }
      assertThat(smallCounts).containsExactlyInAnyOrder(3, 3, 4);
      assertThat(largeSeen).hasSize(10);
    }
  }

  @Test
  void batchesMixTasks() {
    MixedBatcher batcher = new MixedBatcher(new int[][] {sameLengths(100), sameLengths(100)},
        TaskSampler.uniform(), 8, 200, 5, false);
    boolean mixed = batcher.plan(0).stream()
        .anyMatch(b -> b.stream().map(ExampleRef::task).distinct().count() >= 2);
    assertThat(mixed).isTrue();
  }

  @Test
  void planDependsOnlyOnSeedAndEpoch() {
    Random random = new Random(1);
    int[][] lengths = {randomLengths(60, random), randomLengths(20, random)};
    MixedBatcher a = new MixedBatcher(lengths, TaskSampler.paperDefault(), 8, 80, 99, true);
    MixedBatcher b = new MixedBatcher(lengths, TaskSampler.paperDefault(), 8, 80, 99, true);

    assertThat(b.plan(3)).isEqualTo(a.plan(3));
    assertThat(a.plan(3)).isEqualTo(a.plan(3));
    assertThat(a.plan(4)).isNotEqualTo(a.plan(3));
    assertThat(new MixedBatcher(lengths, TaskSampler.paperDefault(), 8, 80, 100, true).plan(3))
        .isNotEqualTo(a.plan(3));
  }

  @Test
  void bucketingByLengthReducesPadding() {
    Random random = new Random(11);
    int[][] lengths = {randomLengths(1500, random), randomLengths(500, random)};
    long plain = padding(new MixedBatcher(lengths, TaskSampler.proportional(), 16, 2000, 8, false), lengths);
    long bucketed = padding(new MixedBatcher(lengths, TaskSampler.proportional(), 16, 2000, 8, true), lengths);

    // Lengths are uniform on 5..100: a random batch of 16 pads to ~95 (mean padding ~42 per example), a
    // batch sorted within a window of 800 spans ~2 tokens. Expect far less than half the padding.
    assertThat(bucketed).isLessThan(plain / 4);
  }

  @Test
  void bucketedBatchesStillMixTasksInTheirShares() {
    // A task of short sentences (5..20 tokens) and one of long pairs (60..100): sorting by raw length would
    // give batches of one task each. Ranked within their tasks, every batch keeps both tasks at about half.
    Random random = new Random(3);
    int[] shortTask = new int[800];
    int[] longTask = new int[800];
    for (int i = 0; i < 800; i++) {
      shortTask[i] = 5 + random.nextInt(16);
      longTask[i] = 60 + random.nextInt(41);
    }
    int[][] lengths = {shortTask, longTask};
    MixedBatcher bucketed = new MixedBatcher(lengths, TaskSampler.uniform(), 16, 1600, 4, true);
    for (List<ExampleRef> batch : bucketed.plan(0)) {
      long shortOnes = batch.stream().filter(r -> r.task() == 0).count();
      assertThat(shortOnes).as("short-task examples in a batch of 16").isBetween(7L, 9L);
    }
    // And the padding still falls: inside each task a batch spans a narrow band of lengths.
    long plain = padding(new MixedBatcher(lengths, TaskSampler.uniform(), 16, 1600, 4, false), lengths);
    assertThat(padding(bucketed, lengths)).isLessThan(plain * 3 / 4);
  }

  @Test
  void withOneTaskBucketingSortsEachWindowByLength() {
    Random random = new Random(5);
    int[][] lengths = {randomLengths(400, random)};
    MixedBatcher batcher = new MixedBatcher(lengths, TaskSampler.uniform(), 8, 400, 6, true);
    // One window of 50 batches holds the whole epoch: every batch is a run of the sorted lengths, so the
    // batches' length ranges do not overlap except at equal lengths.
    List<int[]> ranges = batcher.plan(0).stream()
        .map(b -> b.stream().mapToInt(r -> lengths[0][r.index()]).sorted().toArray())
        .map(l -> new int[] {l[0], l[l.length - 1]})
        .sorted(java.util.Comparator.comparingInt(r -> r[0]))
        .toList();
    for (int i = 1; i < ranges.size(); i++) {
      assertThat(ranges.get(i)[0]).isGreaterThanOrEqualTo(ranges.get(i - 1)[1]);
    }
  }

  /** Sum over batches of (longest × size − sum of lengths): the padded positions. */
  private static long padding(MixedBatcher batcher, int[][] lengths) {
    long total = 0;
    for (List<ExampleRef> batch : batcher.plan(0)) {
      int longest = 0;
      long sum = 0;
      for (ExampleRef ref : batch) {
        int length = lengths[ref.task()][ref.index()];
        longest = Math.max(longest, length);
        sum += length;
      }
      total += (long) longest * batch.size() - sum;
    }
    return total;
  }

  @Test
  void paddingOfAHandMadePlanIsCountedAsExpected() {
    // Sanity check of the helper: lengths {3, 5} in one batch -> 5 x 2 - 8 = 2 padded positions.
    MixedBatcher batcher = new MixedBatcher(new int[][] {{3, 5}}, TaskSampler.uniform(), 2, 2, 0, false);
    assertThat(padding(batcher, new int[][] {{3, 5}})).isEqualTo(2);
  }

  @Test
  void badSettingsAreErrorsNamingThem() {
    int[][] lengths = {sameLengths(4)};
    assertThatThrownBy(() -> new MixedBatcher(lengths, TaskSampler.uniform(), 0, 10, 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch size must be >= 1, got 0");
    assertThatThrownBy(() -> new MixedBatcher(lengths, TaskSampler.uniform(), 2, 0, 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("examples per epoch must be >= 1, got 0");
    assertThatThrownBy(() -> new MixedBatcher(new int[0][], TaskSampler.uniform(), 2, 10, 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no tasks");
    assertThatThrownBy(() -> new MixedBatcher(new int[][] {sameLengths(4), new int[0]}, TaskSampler.uniform(), 2,
        10, 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task 1 has 0 training examples");
  }
}
