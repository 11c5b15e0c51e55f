package io.github.bamjava.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.github.bamjava.encoder.BertConfig;
import io.github.bamjava.testing.EngineManager;
import io.github.bamjava.text.EncodedPair;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EngineManager.class)
class PaddedBatchTest {

  /** 50 words, one token type (as RoBERTa-style checkpoints have), 16 positions. */
  private static final BertConfig CONFIG = new BertConfig(50, 8, 1, 2, 16, 16, 1, 1e-12f, 0f, 0f, "gelu");

  private NDManager manager;

  @Test
  void padsToTheLongestAndPacksTheRealTokens() {
    NDList inputs = PaddedBatch.inputs(manager, List.of(single(2, 7, 3), single(2, 9, 10, 11, 3)), 0, CONFIG);
    assertThat(inputs).hasSize(5);
    assertThat(inputs.get(0).toLongArray()).containsExactly(2, 7, 3, 0, 0, 2, 9, 10, 11, 3);
    assertThat(inputs.get(2).toLongArray()).containsExactly(1, 1, 1, 0, 0, 1, 1, 1, 1, 1);
    // Real tokens' rows in the padded [B·S] layout, and each position's row among them (8 = padding).
    assertThat(inputs.get(3).toLongArray()).containsExactly(0, 1, 2, 5, 6, 7, 8, 9);
    assertThat(inputs.get(4).toLongArray()).containsExactly(0, 1, 2, 8, 8, 3, 4, 5, 6, 7);
  }

  @Test
  void anIdTheEncoderHasNoVectorForIsAClearErrorBeforeAnyArrayIsMade() {
    assertThatThrownBy(() -> PaddedBatch.inputs(manager, List.of(single(2, 7, 3), single(2, 50, 3)), 0, CONFIG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input id 50 at row 1, position 1")
        .hasMessageContaining("word_embeddings");
    // A sentence pair has token type 1, which a model with one token type has no vector for.
    EncodedPair pair = new EncodedPair(new int[] {2, 7, 3, 8, 3}, new int[] {0, 0, 0, 1, 1});
    assertThatThrownBy(() -> PaddedBatch.inputs(manager, List.of(pair), 0, CONFIG))
        .hasMessageContaining("token type id 1 at row 0, position 3")
        .hasMessageContaining("token_type_embeddings");
    // The pad id is looked up too.
    assertThatThrownBy(() -> PaddedBatch.inputs(manager, List.of(single(2, 3), single(2, 7, 3)), 99, CONFIG))
        .hasMessageContaining("input id 99 at row 0, position 2");
    assertThat(manager.getManagedArrays()).isEmpty();
  }

  @Test
  void aFixedShapeAddsPlaceholderRowsAndPacksPaddingToTheAskedCount() {
    // Two examples (3 and 5 tokens) in 3 rows of 6: a placeholder row of one padding token (id 0) after them.
    NDList inputs = PaddedBatch.inputs(manager, List.of(single(2, 7, 3), single(2, 9, 10, 11, 3)), 0, CONFIG, 3,
        6, 12);
    assertThat(inputs.get(0).getShape().getShape()).containsExactly(3, 6);
    assertThat(inputs.get(0).toLongArray()).containsExactly(2, 7, 3, 0, 0, 0, 2, 9, 10, 11, 3, 0, 0, 0, 0, 0, 0, 0);
    assertThat(inputs.get(2).toLongArray()).containsExactly(1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0);
    // 9 tokens; the last 3 padding positions make up the 12 computed ones, the mask still hides them.
    assertThat(inputs.get(3).toLongArray()).containsExactly(0, 1, 2, 6, 7, 8, 9, 10, 12, 15, 16, 17);
    assertThat(inputs.get(4).toLongArray())
        .containsExactly(0, 1, 2, 12, 12, 12, 3, 4, 5, 6, 7, 12, 8, 12, 12, 9, 10, 11);
  }

  @Test
  void aFixedShapeThatCannotHoldTheBatchIsRefused() {
    List<EncodedPair> two = List.of(single(2, 7, 3), single(2, 9, 10, 11, 3));
    assertThatThrownBy(() -> PaddedBatch.inputs(manager, two, 0, CONFIG, 1, 6, 6))
        .hasMessageContaining("a batch of 1 rows cannot hold 2 examples");
    assertThatThrownBy(() -> PaddedBatch.inputs(manager, two, 0, CONFIG, 2, 4, 8))
        .hasMessageContaining("an example of 5 tokens does not fit a batch of 4 positions");
    assertThatThrownBy(() -> PaddedBatch.inputs(manager, two, 0, CONFIG, 2, 6, 7))
        .hasMessageContaining("a batch of 8 tokens in 2 x 6 positions cannot be packed into 7");
    assertThatThrownBy(() -> PaddedBatch.inputs(manager, two, 0, CONFIG, 2, 6, 13))
        .hasMessageContaining("cannot be packed into 13");
  }

  @Test
  void aTrainingBatchTakesOneOfAFewShapes() {
    // 3, 5 and 2 tokens: 8 positions (the longest, 5, rounded up), 10 tokens computed as 12 (a multiple of 4).
    NDList inputs = PaddedBatch.inputsInFewShapes(manager, List.of(single(2, 7, 3), single(2, 9, 10, 11, 3),
        single(2, 3)), 0, CONFIG, 4);
    assertThat(inputs.get(0).getShape().getShape()).containsExactly(3, 8);
    assertThat(inputs.get(2).toLongArray()).containsExactly(1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0,
        0, 0, 0, 0, 0);
    assertThat(inputs.get(3).size()).isEqualTo(12);
    // A length at the encoder's longest input (16 positions) is not rounded beyond it.
    int[] long15 = new int[15];
    Arrays.fill(long15, 7);
    NDList full = PaddedBatch.inputsInFewShapes(manager, List.of(single(long15)), 0, CONFIG, 64);
    assertThat(full.get(0).getShape().getShape()).containsExactly(1, 16);
    // 15 tokens computed as 16: every position, so no packing at all.
    assertThat(full.get(3).size()).isZero();
  }

  @Test
  void roundedTokenCountsAreFew() {
    assertThat(PaddedBatch.roundedTokens(1, 64, 4096)).isEqualTo(1);
    assertThat(PaddedBatch.roundedTokens(3, 64, 4096)).isEqualTo(4);
    assertThat(PaddedBatch.roundedTokens(64, 64, 4096)).isEqualTo(64);
    assertThat(PaddedBatch.roundedTokens(65, 64, 4096)).isEqualTo(128);
    assertThat(PaddedBatch.roundedTokens(760, 64, 4096)).isEqualTo(768);
    assertThat(PaddedBatch.roundedTokens(4090, 64, 4095)).isEqualTo(4095);
    // Every token count of a batch of 32 rows of up to 128 positions takes one of 64 sizes beyond the step.
    Set<Integer> sizes = new HashSet<>();
    for (int tokens = 65; tokens <= 4096; tokens++) {
      sizes.add(PaddedBatch.roundedTokens(tokens, 64, 4096));
    }
    assertThat(sizes).hasSize(63);
  }

  private static EncodedPair single(int... ids) {
    return new EncodedPair(ids, new int[ids.length]);
  }
}
