package io.github.bamjava.task;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * How many training examples of a task to keep, for runs on a CPU budget: all of them, the first N, or N chosen
 * at random with a fixed seed (the same N every run, so teachers and student see the same examples).
 *
 * <p>Kept examples stay in file order, so a random cap of a file changes nothing but which rows are present.
 *
 * @param limit the most examples to keep; {@code Integer.MAX_VALUE} keeps all
 * @param random whether to choose at random rather than take the first
 * @param seed the seed of the random choice; unused for the first N
 */
public record TrainCap(int limit, boolean random, long seed) {

  private static final TrainCap ALL = new TrainCap(Integer.MAX_VALUE, false, 0);

  /** Checks that the cap keeps at least one example. */
  public TrainCap {
    checkArgument(limit > 0, "a train cap must keep at least one example, got %s", limit);
  }

  /** Keeps every example. */
  public static TrainCap all() {
    return ALL;
  }

  /** Keeps the first {@code n} examples of the file. */
  public static TrainCap first(int n) {
    return new TrainCap(n, false, 0);
  }

  /** Keeps {@code n} examples drawn without replacement by a {@link Random} seeded with {@code seed}. */
  public static TrainCap random(int n, long seed) {
    return new TrainCap(n, true, seed);
  }

  /** This cap with another seed for its random choice; a cap that is not random stays as it is. */
  public TrainCap withSeed(long newSeed) {
    return random ? new TrainCap(limit, true, newSeed) : this;
  }

  /** The kept examples, in their original order. */
  public <T> List<T> apply(List<T> examples) {
    if (examples.size() <= limit) {
      return examples;
    }
    ImmutableList.Builder<T> out = ImmutableList.builderWithExpectedSize(limit);
    for (int i : choose(examples.size())) {
      out.add(examples.get(i));
    }
    return out.build();
  }

  /**
   * The 0-based positions of the kept examples among {@code size}, ascending: what {@link #apply} keeps, for a
   * reader that streams a file and keeps only these rows (memory: the cap's examples and this array, not the
   * file).
   *
   * <p>A random cap shuffles the positions 0..size-1 as {@code Collections.shuffle(list, new Random(seed))} does
   * (for i from size down to 2, swap i-1 with {@code nextInt(i)}) and keeps the first {@code limit}: the same
   * rows this cap has always chosen, so runs and their keys from before streaming stay valid.
   */
  public int[] choose(int size) {
    checkArgument(size >= 0, "a negative number of examples: %s", size);
    if (size <= limit || !random) {
      int[] first = new int[Math.min(size, limit)];
      Arrays.setAll(first, i -> i);
      return first;
    }
    int[] positions = new int[size];
    Arrays.setAll(positions, i -> i);
    Random r = new Random(seed);
    for (int i = size; i > 1; i--) {
      int j = r.nextInt(i);
      int swap = positions[i - 1];
      positions[i - 1] = positions[j];
      positions[j] = swap;
    }
    int[] kept = Arrays.copyOf(positions, limit);
    Arrays.sort(kept);
    return kept;
  }
}
