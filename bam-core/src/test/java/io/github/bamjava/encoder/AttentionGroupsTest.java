package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.bamjava.testing.EngineManager;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EngineManager.class)
class AttentionGroupsTest {

  private NDManager manager;

  @Test
  void aBatchOfShortAndLongRowsAttendsInGroupsOfItsOwnLengths() {
    // 8 rows of 60 tokens and 8 of 5 in 64 positions: a group of 8 x 64 (60 rounded up) and one of 8 x 8.
    NDList groups = plan(lengths(8, 60, 8, 5), 64);
    assertThat(groups).hasSize(4);
    assertThat(groups.get(2).getShape().getShape()).containsExactly(8, 1, 1, 64);
    assertThat(groups.get(3).getShape().getShape()).containsExactly(8, 1, 1, 8);
    // Every grouped position is a packed token's row or T (here 8 * 60 + 8 * 5 = 520), the zero row.
    long[] rowOf = groups.get(0).toLongArray();
    assertThat(rowOf).hasSize(8 * 64 + 8 * 8);
    assertThat(Arrays.stream(rowOf).filter(r -> r < 520).distinct().count()).isEqualTo(520);
    // The short rows' padding is masked in their group, and only there.
    float[] shortBias = groups.get(3).toFloatArray();
    assertThat(shortBias[4]).isZero();
    assertThat(shortBias[5]).isEqualTo(BertEncoder.MASK_BIAS);

    assertThat(plan(lengths(9, 60, 7, 5), 64)).as("a long row among the short ones: no saving").isEmpty();
    assertThat(plan(lengths(8, 20, 8, 17), 64)).as("lengths alike").isEmpty();
    assertThat(plan(lengths(4, 60, 4, 5), 64)).as("fewer rows than two groups").isEmpty();
  }

  @Test
  void groupedAttentionGivesEveryTokenTheSameOutputAndEveryWeightTheSameGradient() {
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG.withDropout(0f), 3);
    ParameterStore store = new ParameterStore(manager, false);
    int batch = 24;
    int seq = 40;
    // Rows of 3 to 40 tokens in random order, as a multi-task batch has them.
    Random random = new Random(5);
    int[] lengths = new int[batch];
    for (int b = 0; b < batch; b++) {
      lengths[b] = b % 3 == 0 ? 30 + random.nextInt(11) : 3 + random.nextInt(8);
    }
    long[] ids = new long[batch * seq];
    long[] types = new long[batch * seq];
    long[] mask = new long[batch * seq];
    for (int b = 0; b < batch; b++) {
      for (int s = 0; s < lengths[b]; s++) {
        ids[b * seq + s] = 1 + random.nextInt(99);
        types[b * seq + s] = s > lengths[b] / 2 ? 1 : 0;
        mask[b * seq + s] = 1;
      }
    }
    NDList grouped = EncoderInputs.of(manager, TinyBert.CONFIG, ids, types, mask, batch, seq);
    assertThat(grouped.size()).as("the batch is planned in groups").isGreaterThan(5);
    NDList whole = new NDList(grouped.subList(0, 5));
    List<float[]> a = TinyBert.tokenOutputsAndGradients(encoder, store, whole, mask, batch, seq);
    List<float[]> b = TinyBert.tokenOutputsAndGradients(encoder, store, grouped, mask, batch, seq);
    for (int i = 0; i < a.size(); i++) {
      float[] x = a.get(i);
      float[] y = b.get(i);
      for (int j = 0; j < x.length; j++) {
        assertThat(y[j]).as("array %s, element %s", i, j).isCloseTo(x[j], within(1e-4f + 1e-4f * Math.abs(x[j])));
      }
    }
  }

  /** {@code n1} rows of {@code length1} tokens, then {@code n2} of {@code length2}. */
  private static int[] lengths(int n1, int length1, int n2, int length2) {
    int[] out = new int[n1 + n2];
    for (int i = 0; i < out.length; i++) {
      out[i] = i < n1 ? length1 : length2;
    }
    return out;
  }

  /** The groups planned for rows of these lengths in {@code seq} positions, every token packed. */
  private NDList plan(int[] lengths, int seq) {
    long[] mask = new long[lengths.length * seq];
    for (int b = 0; b < lengths.length; b++) {
      for (int s = 0; s < lengths[b]; s++) {
        mask[b * seq + s] = 1;
      }
    }
    long[][] packing = TokenPacking.rowsOf(mask);
    return AttentionGroups.plan(manager, mask, packing[1], packing[0].length, lengths.length, seq);
  }
}
