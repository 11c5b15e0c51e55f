package io.github.bamjava.internal.sampling;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.bamjava.sampling.TaskSampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Plans the minibatches of each epoch: which task and example fills every slot.
 *
 * <p>An epoch is a fixed number of examples. Each task gets its share of the epoch's slots from the
 * {@link TaskSampler} (counts rounded by largest remainder, so the realised shares are exact up to one
 * example), its examples are taken in a fresh random order (cycling through a small task several times), and
 * the slots are shuffled together, so a minibatch mixes tasks. With length bucketing, the slots inside each
 * window of {@value #BUCKET_WINDOW_BATCHES} batches are ordered by their length rank within their own task, which
 * cuts padding while every batch still mixes tasks in their shares, and the batches are shuffled afterwards so
 * training does not see lengths in order.
 *
 * <p>A plan depends only on (seed, epoch): a resumed run rebuilds it and skips the batches already done.
 */
public final class MixedBatcher {

  /** Batches per sorting window when bucketing by length. */
  public static final int BUCKET_WINDOW_BATCHES = 50;

  private final int[][] lengths;
  private final double[] probabilities;
  private final int batchSize;
  private final int examplesPerEpoch;
  private final long seed;
  private final boolean bucketByLength;

  /**
   * @param lengths token lengths of every training example, per task
   * @param sampler decides each task's share of an epoch
   * @param batchSize examples per minibatch
   * @param examplesPerEpoch slots per epoch; the sum of the task sizes is the natural choice
   * @param seed seeds the plan of every epoch
   * @param bucketByLength whether to group examples of similar length into batches
   */
  public MixedBatcher(int[][] lengths, TaskSampler sampler, int batchSize, int examplesPerEpoch, long seed,
      boolean bucketByLength) {
    checkArgument(lengths.length > 0, "no tasks to sample from");
    checkArgument(batchSize >= 1, "batch size must be >= 1, got %s", batchSize);
    checkArgument(examplesPerEpoch >= 1, "examples per epoch must be >= 1, got %s", examplesPerEpoch);
    long[] sizes = new long[lengths.length];
    for (int t = 0; t < lengths.length; t++) {
      sizes[t] = lengths[t].length;
    }
    this.lengths = lengths;
    this.probabilities = sampler.probabilities(sizes);
    checkArgument(probabilities.length == lengths.length, "sampler returned %s probabilities for %s tasks",
        probabilities.length, lengths.length);
    this.batchSize = batchSize;
    this.examplesPerEpoch = examplesPerEpoch;
    this.seed = seed;
    this.bucketByLength = bucketByLength;
  }

  /** The sampler's probability of each task. */
  public double[] probabilities() {
    return probabilities.clone();
  }

  /** Number of minibatches in every epoch (the last one may be smaller). */
  public int batchesPerEpoch() {
    return (examplesPerEpoch + batchSize - 1) / batchSize;
  }

  /** The exact number of slots each task gets in an epoch. */
  public int[] slotsPerTask() {
    int[] counts = new int[probabilities.length];
    double[] remainders = new double[probabilities.length];
    int assigned = 0;
    for (int t = 0; t < counts.length; t++) {
      double exact = probabilities[t] * examplesPerEpoch;
      counts[t] = (int) Math.floor(exact);
      remainders[t] = exact - counts[t];
      assigned += counts[t];
    }
    Integer[] order = new Integer[counts.length];
    for (int t = 0; t < order.length; t++) {
      order[t] = t;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer t) -> -remainders[t]).thenComparingInt(t -> t));
    for (int i = 0; assigned < examplesPerEpoch; i = (i + 1) % order.length) {
      counts[order[i]]++;
      assigned++;
    }
    return counts;
  }

  /** The batches of one epoch, in training order. */
  public List<List<ExampleRef>> plan(int epoch) {
    Random random = new Random(mix(seed, epoch));
    int[] counts = slotsPerTask();
    List<ExampleRef> slots = new ArrayList<>(examplesPerEpoch);
    for (int t = 0; t < counts.length; t++) {
      int size = lengths[t].length;
      int[] order = null;
      for (int i = 0; i < counts[t]; i++) {
        if (i % size == 0) {
          order = permutation(size, random);
        }
        slots.add(new ExampleRef(t, order[i % size]));
      }
    }
    Collections.shuffle(slots, random);
    if (bucketByLength) {
      int window = batchSize * BUCKET_WINDOW_BATCHES;
      for (int start = 0; start < slots.size(); start += window) {
        sortByRankWithinTask(slots.subList(start, Math.min(slots.size(), start + window)));
      }
    }
    List<List<ExampleRef>> batches = new ArrayList<>(batchesPerEpoch());
    for (int start = 0; start < slots.size(); start += batchSize) {
      batches.add(List.copyOf(slots.subList(start, Math.min(slots.size(), start + batchSize))));
    }
    if (bucketByLength) {
      Collections.shuffle(batches, random);
    }
    return batches;
  }

  /**
   * Orders a window of slots by each slot's length rank within its own task, as a fraction of that task's slots
   * in the window. Consecutive slots then hold examples of similar length for every task, while each stretch of
   * the window still holds every task in its share: batches cut from it keep mixing tasks as the unbucketed
   * plan does. Sorting the window by raw length instead would put a task of short sentences (SST-2) and a task
   * of long pairs (RTE) into different batches, which hurt the multi-task student (see docs/benchmarks.md).
   * With one task this is sorting by length. The sort is stable, so ties keep the shuffled order.
   */
  private void sortByRankWithinTask(List<ExampleRef> window) {
    List<List<ExampleRef>> byTask = new ArrayList<>(lengths.length);
    for (int t = 0; t < lengths.length; t++) {
      byTask.add(new ArrayList<>());
    }
    for (ExampleRef r : window) {
      byTask.get(r.task()).add(r);
    }
    List<RankedSlot> ranked = new ArrayList<>(window.size());
    for (List<ExampleRef> task : byTask) {
      task.sort(Comparator.comparingInt(r -> lengths[r.task()][r.index()]));
      for (int i = 0; i < task.size(); i++) {
        // The middle of the slot's share of [0, 1): a task with one slot in the window sits at 0.5.
        ranked.add(new RankedSlot(task.get(i), (i + 0.5) / task.size()));
      }
    }
    ranked.sort(Comparator.comparingDouble(RankedSlot::quantile));
    for (int i = 0; i < ranked.size(); i++) {
      window.set(i, ranked.get(i).ref());
    }
  }

  private record RankedSlot(ExampleRef ref, double quantile) {}

  private static int[] permutation(int n, Random random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }

  private static long mix(long seed, int epoch) {
    // SplitMix64 finaliser: nearby (seed, epoch) pairs give unrelated streams.
    long z = seed * 0x9E3779B97F4A7C15L + epoch + 1;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
