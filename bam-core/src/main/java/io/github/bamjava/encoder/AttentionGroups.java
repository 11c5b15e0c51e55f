package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Attention over a batch's rows in a few groups of similar length, each padded only to its own longest row,
 * instead of every row padded to the batch's longest.
 *
 * <p>Why: attention is the one part of a layer whose work grows with the padded length squared, for every row.
 * A multi-task batch mixes single sentences of a dozen tokens with sentence pairs of a hundred, and the paper's
 * batches are not sorted by length, so most rows of such a batch would attend over ten times the positions they
 * have; with the rows in groups, each attends over about its own. Within a group a row is padded and masked as
 * in the whole batch, so every token's result is the same; only the dropout masks of the attention
 * probabilities are drawn in other shapes.
 *
 * <p>The groups are planned on the host where the batch is built ({@link #plan}): the rows sorted by length,
 * longest first, cut into groups at multiples of {@link #ROW_STEP} rows, each padded to its longest row rounded
 * up to a multiple of {@link EncoderInputs#LENGTH_STEP}; the cuts that make the least work, counting a fixed cost
 * for each group's extra operations, and none at all when that saves under a quarter. The steps keep the groups'
 * shapes few, so that their arrays take memory blocks of a few sizes. Groups need the token packing: attention
 * reads the packed tokens [T, H] into the groups' layout [N, H] (N the groups' rows times their lengths) and its
 * context back, two row gathers like {@link TokenPacking}'s.
 *
 * <p>The arrays, after the packing's in a batch's inputs: the packed row of each of the N grouped positions (T,
 * a zero row, for padding) [N], the grouped position of each packed token [T] (0 for a padding position that the
 * packing computes, whose result is never read), and each group's mask bias [rows, 1, 1, length] (0 for a token,
 * {@link BertEncoder#MASK_BIAS} for padding), whose shape is the group's.
 */
final class AttentionGroups {
  /** Groups are cut at multiples of this many rows (of the rows sorted by length). */
  static final int ROW_STEP = 8;
  /**
   * A group's fixed cost in the units of attention work (rows times length squared): its own two dozen operations
   * per layer, forward and backward, at some 15 µs each, against about 0.6 µs a unit (MiniLM on a 2-core CPU):
   * the attention of 4 rows of 32 positions.
   */
  static final long GROUP_COST = 4L * 32 * 32;
  /** Groups are used when they take at most this share of the whole batch's attention work. */
  static final double MOST_WORK = 0.75;

  private final NDArray groupedRowOf;
  private final NDArray tokenPosition;
  private final List<NDArray> biases;

  private AttentionGroups(NDArray groupedRowOf, NDArray tokenPosition, List<NDArray> biases) {
    this.groupedRowOf = groupedRowOf;
    this.tokenPosition = tokenPosition;
    this.biases = biases;
  }

  /**
   * The groups' arrays for a batch of {@code batch} rows of {@code seq} positions with this attention mask (1 for
   * a token), whose packed positions {@code packedRowOf} numbers ({@link TokenPacking#rowsOf}: each position's
   * row among the T packed ones, T for one not computed); none (an empty list) when one group is as good.
   */
  static NDList plan(NDManager manager, long[] mask, long[] packedRowOf, int tokens, int batch, int seq) {
    // A row's length is up to its last token; a row without any (which no batch of this library has) counts one
    // position, so that no group is empty.
    int[] lengths = new int[batch];
    for (int b = 0; b < batch; b++) {
      lengths[b] = 1;
      for (int s = seq - 1; s >= 0; s--) {
        if (mask[b * seq + s] != 0) {
          lengths[b] = s + 1;
          break;
        }
      }
    }
    Integer[] order = IntStream.range(0, batch).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingInt((Integer b) -> -lengths[b]));
    int[] cuts = cheapestCuts(order, lengths, batch, seq);
    if (cuts == null) {
      return new NDList();
    }
    int groups = cuts.length - 1;
    int positions = 0;
    int[] groupLength = new int[groups];
    for (int g = 0; g < groups; g++) {
      groupLength[g] = EncoderInputs.roundedLength(lengths[order[cuts[g]]], seq);
      positions += (cuts[g + 1] - cuts[g]) * groupLength[g];
    }
    long[] rowOf = new long[positions];
    long[] tokenPosition = new long[tokens];
    NDList biases = new NDList(groups);
    int at = 0;
    for (int g = 0; g < groups; g++) {
      int rows = cuts[g + 1] - cuts[g];
      int length = groupLength[g];
      float[] bias = new float[rows * length];
      for (int r = 0; r < rows; r++) {
        int b = order[cuts[g] + r];
        for (int s = 0; s < length; s++, at++) {
          int position = b * seq + s;
          if (mask[position] != 0) {
            rowOf[at] = packedRowOf[position];
            tokenPosition[(int) packedRowOf[position]] = at;
          } else {
            rowOf[at] = tokens;
            bias[r * length + s] = BertEncoder.MASK_BIAS;
          }
        }
      }
      biases.add(manager.create(bias, new Shape(rows, 1, 1, length)));
    }
    return new NDList(manager.create(rowOf), manager.create(tokenPosition)).addAll(biases);
  }

  /**
   * The cuts (indices into {@code order}, from 0 to {@code batch}) of the groups that make the least attention
   * work, or null when one group is as good (within {@link #MOST_WORK}).
   */
  private static int[] cheapestCuts(Integer[] order, int[] lengths, int batch, int seq) {
    List<Integer> points = new ArrayList<>();
    for (int i = 0; i < batch; i += ROW_STEP) {
      points.add(i);
    }
    points.add(batch);
    int n = points.size();
    long[] best = new long[n];
    int[] from = new int[n];
    for (int i = 1; i < n; i++) {
      best[i] = Long.MAX_VALUE;
      for (int j = 0; j < i; j++) {
        long length = EncoderInputs.roundedLength(lengths[order[points.get(j)]], seq);
        long cost = best[j] + (points.get(i) - points.get(j)) * length * length + GROUP_COST;
        if (cost < best[i]) {
          best[i] = cost;
          from[i] = j;
        }
      }
    }
    long whole = (long) batch * seq * seq + GROUP_COST;
    if (from[n - 1] == 0 || best[n - 1] > MOST_WORK * whole) {
      return null;
    }
    List<Integer> cuts = new ArrayList<>();
    for (int i = n - 1; i > 0; i = from[i]) {
      cuts.add(0, points.get(i));
    }
    cuts.add(0, 0);
    return cuts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The groups carried in a layer's {@code inputs} after the packing (from position 4), or null when none. */
  static AttentionGroups from(NDList inputs) {
    if (inputs.size() <= 4) {
      return null;
    }
    return new AttentionGroups(inputs.get(4), inputs.get(5), inputs.subNDList(6));
  }

  /** How many groups. */
  int count() {
    return biases.size();
  }

  /** Group {@code g}'s mask bias [rows, 1, 1, length]: its shape is the group's. */
  NDArray bias(int g) {
    return biases.get(g);
  }

  /** Packed [T, H] to the groups' layout [N, H], zero vectors at padding. */
  NDArray toGroups(NDArray packed) {
    return TokenPacking.gatherWithZeroRow(packed, groupedRowOf);
  }

  /** The groups' layout [N, H] back to the packed tokens [T, H]. */
  NDArray toTokens(NDArray grouped) {
    return TokenPacking.gather(grouped, tokenPosition);
  }
}
