package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.bamjava.testing.EngineManager;
import io.github.bamjava.weights.HostTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EngineManager.class)
class BertEncoderTest {

  private NDManager manager;

  @Test
  void parameterNamesAreHuggingFaceNames() {
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG, 1);
    Map<String, Parameter> params = encoder.namedParameters();
    assertThat(params).containsKeys(
        "embeddings.word_embeddings.weight",
        "embeddings.position_embeddings.weight",
        "embeddings.token_type_embeddings.weight",
        "embeddings.LayerNorm.weight",
        "embeddings.LayerNorm.bias",
        "encoder.layer.0.attention.self.query.weight",
        "encoder.layer.1.attention.output.dense.bias",
        "encoder.layer.1.attention.output.LayerNorm.weight",
        "encoder.layer.0.intermediate.dense.weight",
        "encoder.layer.1.output.dense.weight",
        "encoder.layer.1.output.LayerNorm.bias",
        "pooler.dense.weight",
        "pooler.dense.bias");
    // 5 embedding tensors + 16 per layer + 2 pooler tensors, nothing else.
    assertThat(params).hasSize(5 + 16 * 2 + 2);
    assertThat(params.get("encoder.layer.0.intermediate.dense.weight").getArray().getShape().getShape())
        .containsExactly(64, 32);
  }

  @Test
  void outputsHaveTheExpectedShapes() {
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG, 1);
    NDList out = encoder.forward(new ParameterStore(manager, false),
        TinyBert.batch(manager, new int[][] {{2, 5, 7, 3}, {2, 9, 3}}, null), false);
    assertThat(out.get(0).getShape().getShape()).containsExactly(2, 4, 32);
    assertThat(out.get(1).getShape().getShape()).containsExactly(2, 32);
  }

  /**
   * Inference frees each layer's intermediates once the layer's output exists: a batch's manager keeps the
   * layers' outputs, not every attention score and activation until the batch ends (docs/benchmarks.md). A
   * padded batch runs its layers on packed tokens, whose gathers put their results in the index arrays'
   * manager: those must be freed too (a batch of 112 RTE pairs held 3.6 GB more before they were).
   */
  @Test
  void noForwardKeepsTheIntermediatesOfItsLayers() {
    int[][] padded = {{2, 5, 7, 3}, {2, 9, 3}};
    int[][] full = {{2, 5, 7, 3}, {2, 9, 8, 3}};
    for (int[][] rows : List.of(padded, full)) {
      for (boolean training : List.of(false, true)) {
        // Arrays a batch's manager holds after one more layer: its output, and nothing of the layer's work (in
        // training, autograd keeps what the backward pass needs by itself).
        int perLayer = arraysAfterForward(rows, 3, training) - arraysAfterForward(rows, 2, training);
        assertThat(perLayer).as("arrays kept per layer, %s, %s", rows == padded ? "padded" : "unpadded",
            training ? "training" : "inference").isLessThanOrEqualTo(1);
      }
    }
  }

  private int arraysAfterForward(int[][] rows, int layers, boolean training) {
    BertConfig c = TinyBert.CONFIG;
    BertConfig config = BertConfig.of(c.vocabSize(), c.hiddenSize(), layers, c.numAttentionHeads(),
        c.intermediateSize());
    BertEncoder encoder = TinyBert.create(manager, config, 1);
    try (NDManager batch = manager.newSubManager()) {
      encoder.forward(new ParameterStore(manager, false), TinyBert.batch(batch, rows, null), training);
      return batch.getManagedArrays().size();
    }
  }

  @Test
  void paddingDoesNotChangeRealTokens() {
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG, 2);
    ParameterStore store = new ParameterStore(manager, false);
    int[] shortRow = {2, 11, 12, 3};
    int[][] types = {{0, 0, 1, 1}};
    NDArray alone = encoder.forward(store, TinyBert.batch(manager, new int[][] {shortRow}, types), false).get(0);
    NDArray padded = encoder.forward(store, TinyBert.batch(manager,
        new int[][] {shortRow, {2, 40, 41, 42, 43, 44, 45, 3}},
        new int[][] {{0, 0, 1, 1}, {0, 0, 0, 0, 1, 1, 1, 1}}), false).get(0);
    float diff = TinyBert.row(padded, 0, 4).sub(alone.get("0")).abs().max().getFloat();
    assertThat(diff).isLessThan(1e-5f);
  }

  @Test
  void aPaddedBatchHasTheGradientsOfItsRowsAlone() {
    // The layers of a padded batch run on its real tokens only (TokenPacking); the gradients must be those of
    // the rows computed one by one without padding. Dropout off, so that both see the same function.
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG.withDropout(0f), 8);
    ParameterStore store = new ParameterStore(manager, false);
    int[][] rows = {{2, 11, 12, 3}, {2, 40, 41, 42, 43, 44, 3}, {2, 7, 3}};
    Map<String, float[]> together = gradients(encoder, store, rows);
    Map<String, float[]> oneByOne = new LinkedHashMap<>();
    for (int[] row : rows) {
      gradients(encoder, store, new int[][] {row}).forEach((name, g) -> oneByOne.merge(name, g, (a, b) -> {
        float[] sum = a.clone();
        for (int i = 0; i < sum.length; i++) {
          sum[i] += b[i];
        }
        return sum;
      }));
    }
    assertThat(together.keySet()).isEqualTo(oneByOne.keySet());
    together.forEach((name, g) -> {
      float[] expected = oneByOne.get(name);
      for (int i = 0; i < g.length; i++) {
        assertThat(g[i]).as("%s[%s]", name, i).isCloseTo(expected[i], within(1e-4f + 1e-3f * Math.abs(expected[i])));
      }
    });
  }

  /** Gradients of the sum of the hidden states and the pooled vectors, by parameter name. */
  private Map<String, float[]> gradients(BertEncoder encoder, ParameterStore store, int[][] rows) {
    Map<String, Parameter> params = encoder.namedParameters();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDList out = encoder.forward(store, TinyBert.batch(manager, rows, null), true);
      NDArray hidden = out.get(0);
      NDArray loss = out.get(1).sum();
      for (int b = 0; b < rows.length; b++) {
        // Only real positions count: the padding of the batch has no place in the rows alone.
        loss = loss.add(TinyBert.row(hidden, b, rows[b].length).sum());
      }
      gc.backward(loss);
    }
    Map<String, float[]> grads = new LinkedHashMap<>();
    params.forEach((name, p) -> {
      grads.put(name, p.getArray().getGradient().toFloatArray());
      p.getArray().getGradient().muli(0);
    });
    return grads;
  }

  @Test
  void dropoutOnlyActsInTraining() {
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG, 3);
    ParameterStore store = new ParameterStore(manager, false);
    NDList batch = TinyBert.batch(manager, new int[][] {{2, 5, 6, 7, 3}}, null);
    NDArray a = encoder.forward(store, batch, false).get(0);
    NDArray b = encoder.forward(store, batch, false).get(0);
    NDArray c = encoder.forward(store, batch, true).get(0);
    assertThat(a.contentEquals(b)).isTrue();
    assertThat(a.sub(c).abs().max().getFloat()).isGreaterThan(1e-3f);
  }

  @Test
  void tooLongSequenceAndOutOfVocabularyIdsAreClearErrors() {
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG, 1);
    ParameterStore store = new ParameterStore(manager, false);
    assertThatThrownBy(() -> encoder.forward(store, TinyBert.batch(manager, new int[][] {new int[65]}, null),
        false)).hasMessageContaining("sequence length 65 exceeds max_position_embeddings 64");
    assertThatThrownBy(() -> encoder.forward(store, TinyBert.batch(manager, new int[][] {{2, 100, 3}}, null),
        false)).hasMessageContaining("[0, 100)").hasMessageContaining("100");
  }

  @Test
  void stateDictRoundTripIsBitIdentical() {
    BertEncoder a = TinyBert.create(manager, TinyBert.CONFIG, 4);
    BertEncoder b = TinyBert.create(manager, TinyBert.CONFIG, 5);
    LinkedHashMap<String, HostTensor> weights = StateDict.snapshot(a.namedParameters());
    assertThat(StateDict.snapshot(b.namedParameters())).isNotEqualTo(weights);
    StateDict.LoadReport report =
        StateDict.load("test", b.namedParameters(), weights, name -> false, name -> false);
    assertThat(report.initialized()).isEmpty();
    assertThat(StateDict.snapshot(b.namedParameters())).isEqualTo(weights);
  }

  @Test
  void loadListsEveryProblemAtOnce() {
    BertEncoder model = TinyBert.create(manager, TinyBert.CONFIG, 4);
    LinkedHashMap<String, HostTensor> weights = StateDict.snapshot(model.namedParameters());
    weights.remove("encoder.layer.1.output.dense.weight");
    weights.remove("pooler.dense.weight");
    weights.put("embeddings.LayerNorm.bias", new HostTensor(new long[] {31}, new float[31]));
    weights.put("encoder.layer.7.output.dense.bias", new HostTensor(new long[] {1}, new float[1]));
    LinkedHashMap<String, HostTensor> before = StateDict.snapshot(model.namedParameters());
    assertThatThrownBy(() -> StateDict.load("ckpt.safetensors", model.namedParameters(), weights,
        name -> name.startsWith("pooler."), name -> false))
        .hasMessageContaining("ckpt.safetensors")
        .hasMessageContaining("3 problem(s)")
        .hasMessageContaining("missing encoder.layer.1.output.dense.weight [32, 64]")
        .hasMessageContaining("mis-shaped embeddings.LayerNorm.bias: checkpoint [31], model [32]")
        .hasMessageContaining("unexpected encoder.layer.7.output.dense.bias");
    // Nothing was half-loaded.
    assertThat(StateDict.snapshot(model.namedParameters())).isEqualTo(before);
  }

  @Test
  void aFewOptimizerStepsLowerTheLoss() {
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG.withDropout(0f), 6);
    ParameterStore store = new ParameterStore(manager, false);
    NDList batch = TinyBert.batch(manager, new int[][] {{2, 5, 6, 3}, {2, 7, 8, 9, 3}, {2, 10, 3}}, null);
    // Regress the pooled vector onto a fixed target with plain gradient descent.
    NDArray target = manager.randomUniform(-0.5f, 0.5f, new ai.djl.ndarray.types.Shape(3, 32));
    float first = 0;
    float last = 0;
    for (int step = 0; step < 20; step++) {
      try (NDManager stepManager = manager.newSubManager()) {
        NDList inputs = new NDList(batch.get(0).duplicate(), batch.get(1).duplicate(), batch.get(2).duplicate());
        inputs.attach(stepManager);
        float loss;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray pooled = encoder.forward(store, inputs, true).get(1);
          NDArray l = pooled.sub(target).square().mean();
          gc.backward(l);
          loss = l.getFloat();
        }
        for (Parameter p : encoder.namedParameters().values()) {
          NDArray w = p.getArray();
          w.subi(w.getGradient().mul(0.1f));
          w.getGradient().subi(w.getGradient());
        }
        if (step == 0) {
          first = loss;
        }
        last = loss;
      }
    }
    assertThat(last).isLessThan(first * 0.7f);
  }
}
