package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.bamjava.testing.EngineManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EngineManager.class)
class EncoderInputsTest {

  private NDManager manager;

  @Test
  void hostPreparedInputsGiveTheSameOutputsAndGradientsAsTheDeviceChecks() {
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG.withDropout(0f), 8);
    ParameterStore store = new ParameterStore(manager, false);
    int[][] rows = {{2, 11, 12, 3}, {2, 40, 41, 42, 43, 44, 3}, {2, 7, 3}};
    NDList device = TinyBert.batch(manager, rows, null);
    NDList host = EncoderInputs.of(manager, TinyBert.CONFIG, device.get(0).toLongArray(),
        device.get(1).toLongArray(), device.get(2).toLongArray(), 3, 7);
    assertThat(host).hasSize(5);
    List<float[]> a = outputsAndGradients(encoder, store, device);
    List<float[]> b = outputsAndGradients(encoder, store, host);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i)).as("array %s", i).isEqualTo(a.get(i));
    }
  }

  @Test
  void paddingPositionsComputedBesideTheTokensChangeNoTokensResult() {
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG.withDropout(0f), 8);
    ParameterStore store = new ParameterStore(manager, false);
    int[][] rows = {{2, 11, 12, 3}, {2, 40, 41, 42, 43, 44, 3}, {2, 7, 3}};
    NDList device = TinyBert.batch(manager, rows, null);
    long[] ids = device.get(0).toLongArray();
    long[] types = device.get(1).toLongArray();
    long[] mask = device.get(2).toLongArray();
    NDList tokensOnly = EncoderInputs.of(manager, TinyBert.CONFIG, ids, types, mask, 3, 7);
    // Every padding position but one computed as well (the last of the first row stays out of the packing).
    long[] packed = new long[mask.length];
    java.util.Arrays.fill(packed, 1);
    packed[6] = 0;
    NDList withPadding = EncoderInputs.of(manager, TinyBert.CONFIG, ids, types, mask, packed, 3, 7);
    assertThat(withPadding.get(3).size()).isEqualTo(20);

    float[] a = encoder.forward(store, tokensOnly, false).get(0).toFloatArray();
    float[] b = encoder.forward(store, withPadding, false).get(0).toFloatArray();
    int hidden = TinyBert.CONFIG.hiddenSize();
    for (int position = 0; position < mask.length; position++) {
      if (mask[position] == 1) {
        for (int h = 0; h < hidden; h++) {
          assertThat(b[position * hidden + h]).as("token %s, unit %s", position, h)
              .isCloseTo(a[position * hidden + h], org.assertj.core.data.Offset.offset(1e-5f));
        }
      }
    }
  }

  @Test
  void paddingPositionsComputedInTrainingChangeNoGradient() {
    // Training batches compute padding positions to keep their shapes few: the weights' gradients of a loss on
    // the tokens and the pooled vectors must not see them.
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG.withDropout(0f), 8);
    ParameterStore store = new ParameterStore(manager, false);
    NDList device = TinyBert.batch(manager, new int[][] {{2, 11, 12, 3}, {2, 40, 41, 42, 43, 44, 3}, {2, 7, 3}},
        null);
    long[] ids = device.get(0).toLongArray();
    long[] types = device.get(1).toLongArray();
    long[] mask = device.get(2).toLongArray();
    long[] packed = new long[mask.length];
    java.util.Arrays.fill(packed, 1);
    // The gradients alone (the first array, the tokens' outputs, is compared by the test above).
    List<float[]> a = TinyBert.tokenOutputsAndGradients(encoder, store, EncoderInputs.of(manager, TinyBert.CONFIG,
        ids, types, mask, 3, 7), mask, 3, 7).subList(1, 1 + encoder.namedParameters().size());
    List<float[]> b = TinyBert.tokenOutputsAndGradients(encoder, store, EncoderInputs.of(manager, TinyBert.CONFIG,
        ids, types, mask, packed, 3, 7), mask, 3, 7).subList(1, 1 + encoder.namedParameters().size());
    for (int i = 0; i < a.size(); i++) {
      float[] x = a.get(i);
      float[] y = b.get(i);
      for (int j = 0; j < x.length; j++) {
        assertThat(y[j]).as("gradient %s, element %s", i, j)
            .isCloseTo(x[j], org.assertj.core.data.Offset.offset(1e-4f + 1e-4f * Math.abs(x[j])));
      }
    }
  }

  @Test
  void aPackingThatLeavesOutATokenIsRefused() {
    assertThatThrownBy(() -> EncoderInputs.of(manager, TinyBert.CONFIG, new long[] {2, 5, 3, 0}, new long[4],
        new long[] {1, 1, 1, 0}, new long[] {1, 0, 1, 1}, 1, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the token at row 0, position 1 is left out of the packing");
  }

  @Test
  void aBatchWithoutPaddingHasNoPacking() {
    NDList inputs = EncoderInputs.of(manager, TinyBert.CONFIG, new long[] {2, 5, 3}, new long[3],
        new long[] {1, 1, 1}, 1, 3);
    assertThat(inputs.get(3).size()).isZero();
    assertThat(inputs.get(4).size()).isZero();
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG, 1);
    NDList out = encoder.forward(new ParameterStore(manager, false), inputs, false);
    assertThat(out.get(0).getShape().getShape()).containsExactly(1, 3, TinyBert.CONFIG.hiddenSize());
  }

  @Test
  void idsOutsideTheirTableAreClearErrorsOnTheHost() {
    // TinyBert: 100 words, 2 token types, 64 positions.
    assertThatThrownBy(() -> EncoderInputs.of(manager, TinyBert.CONFIG, new long[] {2, 5, 3, 2, 100, 3},
        new long[6], new long[] {1, 1, 1, 1, 1, 1}, 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input id 100 at row 1, position 1")
        .hasMessageContaining("word_embeddings")
        .hasMessageContaining("[0, 100)");
    assertThatThrownBy(() -> EncoderInputs.of(manager, TinyBert.CONFIG, new long[] {2, -1, 3}, new long[3],
        new long[] {1, 1, 1}, 1, 3))
        .hasMessageContaining("input id -1").hasMessageContaining("word_embeddings");
    assertThatThrownBy(() -> EncoderInputs.of(manager, TinyBert.CONFIG, new long[] {2, 5, 3},
        new long[] {0, 0, 2}, new long[] {1, 1, 1}, 1, 3))
        .hasMessageContaining("token type id 2 at row 0, position 2")
        .hasMessageContaining("token_type_embeddings")
        .hasMessageContaining("[0, 2)");
    assertThatThrownBy(() -> EncoderInputs.of(manager, TinyBert.CONFIG, new long[65], new long[65],
        new long[65], 1, 65))
        .hasMessageContaining("sequence length 65 exceeds max_position_embeddings 64");
    assertThatThrownBy(() -> EncoderInputs.of(manager, TinyBert.CONFIG, new long[5], new long[6], new long[6], 2,
        3)).hasMessageContaining("got 5, 6 and 6");
  }

  @Test
  void theDevicePathNamesTheTableToo() {
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG, 1);
    ParameterStore store = new ParameterStore(manager, false);
    assertThatThrownBy(() -> encoder.forward(store, TinyBert.batch(manager, new int[][] {{2, 100, 3}}, null),
        false)).hasMessageContaining("word_embeddings").hasMessageContaining("found ids in [2, 100]");
    assertThatThrownBy(() -> encoder.forward(store, TinyBert.batch(manager, new int[][] {{2, 5, 3}},
        new int[][] {{0, 3, 0}}), false)).hasMessageContaining("token_type_embeddings").hasMessageContaining("3");
  }

  /** The hidden states, the pooled vectors and every gradient of their sum. */
  private List<float[]> outputsAndGradients(BertEncoder encoder, ParameterStore store, NDList inputs) {
    List<float[]> out = new ArrayList<>();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDList result = encoder.forward(store, inputs, true);
      out.add(result.get(0).toFloatArray());
      out.add(result.get(1).toFloatArray());
      gc.backward(result.get(0).sum().add(result.get(1).sum()));
    }
    out.addAll(TinyBert.takeGradients(encoder));
    return out;
  }
}
