package io.github.bamjava.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.bamjava.encoder.BertEncoder;
import io.github.bamjava.encoder.CheckpointLayout;
import io.github.bamjava.encoder.ParameterNames;
import io.github.bamjava.encoder.TinyBert;
import io.github.bamjava.optim.LayerDepth;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.train.SyntheticTasks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultiTaskModelTest {

  private static MultiTaskModel model(NDManager manager) throws Exception {
    BertEncoder encoder = SyntheticTasks.tinyEncoder(3).load(manager).encoder();
    Map<String, TaskHead> heads = new LinkedHashMap<>();
    heads.put("nli", Heads.forTask(TaskKind.Classification.of("a", "b", "c"), 32));
    heads.put("sts", Heads.forTask(new TaskKind.Regression(0, 5), 32));
    MultiTaskModel model = new MultiTaskModel(encoder, heads);
    model.initializeHeads(manager);
    return model;
  }

  @Test
  void outputShapesAreTheHeadsOutputs() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape ids = new Shape(5, 9);
      assertThat(model(manager).getOutputShapes(new Shape[] {ids, ids, ids}))
          .containsExactly(new Shape(5, 3), new Shape(5, 1));
    }
  }

  @Test
  void aCustomHeadsOutputShapeIsFoundByRunningIt() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      TaskHead custom = new TaskHead() {
        @Override
        public ai.djl.ndarray.NDArray apply(ai.djl.training.ParameterStore store, ai.djl.ndarray.NDArray pooled,
            boolean training) {
          return pooled.get(":, 0:4");
        }
      };
      custom.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 32));
      assertThat(custom.getOutputShapes(new Shape[] {new Shape(7, 32)})).containsExactly(new Shape(7, 4));
    }
  }

  @Test
  void parameterNamesFollowTheCheckpointLayout() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      MultiTaskModel model = model(manager);
      LayerDepth depth = new LayerDepth(2);
      model.namedParameters().keySet().forEach(name -> {
        if (name.startsWith(CheckpointLayout.headPrefix("nli")) || name.startsWith(CheckpointLayout.headPrefix("sts"))) {
          assertThat(CheckpointLayout.isHead(name)).as(name).isTrue();
          assertThat(CheckpointLayout.part(name)).as(name).isEqualTo(CheckpointLayout.Part.HEAD);
          assertThat(depth.depth(name)).as(name).isEqualTo(depth.topDepth());
        } else {
          assertThat(name).startsWith(CheckpointLayout.ENCODER_PREFIX);
          assertThat(model.encoder().namedParameters())
              .containsKey(CheckpointLayout.withoutEncoderPrefix(name));
          assertThat(CheckpointLayout.isHead(name)).as(name).isFalse();
        }
      });
      assertThat(model.namedParameters()).containsKeys("heads.nli.dense.weight", "heads.sts.dense.bias",
          CheckpointLayout.savedEncoderName("pooler.dense.weight"));
      assertThat(CheckpointLayout.part("bert.pooler.dense.weight")).isEqualTo(CheckpointLayout.Part.POOLER);
      assertThat(CheckpointLayout.layerIndex("bert.encoder.layer.1.output.dense.weight")).isEqualTo(1);
      assertThat(CheckpointLayout.layerIndex("bert.embeddings.word_embeddings.weight")).isEqualTo(-1);
    }
  }

  /** A head without parameters that returns what it reads, to look at the pooled vectors. */
  static final class Probe extends TaskHead {
    @Override
    public NDArray apply(ParameterStore store, NDArray pooled, boolean training) {
      return pooled;
    }
  }

  @Test
  void meanPoolingAveragesTheRealTokensAndClsPoolingReadsThePooler() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      BertEncoder encoder = SyntheticTasks.tinyEncoder(3).load(manager).encoder();
      Map<String, TaskHead> heads = new LinkedHashMap<>();
      heads.put("cls", new Probe());
      heads.put("mean", new Probe());
      MultiTaskModel model = new MultiTaskModel(encoder, heads, Map.of("mean", Pooling.MEAN));
      model.initializeHeads(manager);
      assertThat(model.pooling("cls")).isEqualTo(Pooling.CLS_POOLER);
      assertThat(model.pooling("mean")).isEqualTo(Pooling.MEAN);

      NDList batch = TinyBert.batch(manager, new int[][] {{2, 7, 9, 11, 3}, {2, 8, 3}}, null);
      ParameterStore store = new ParameterStore(manager, false);
      NDList out = model.forward(store, batch, false);
      NDList encoded = encoder.forward(store, batch, false);
      assertThat(out.get(0).toFloatArray()).containsExactly(encoded.get(1).toFloatArray(), within(1e-6f));
      // Row 1 has 3 real tokens and 2 of padding: its mean is over the 3 only.
      NDArray expected = NDArrays.stack(new NDList(encoded.get(0).get("0, 0:5, :").mean(new int[] {0}),
          encoded.get(0).get("1, 0:3, :").mean(new int[] {0})));
      assertThat(out.get(1).getShape()).isEqualTo(new Shape(2, 32));
      assertThat(out.get(1).toFloatArray()).containsExactly(expected.toFloatArray(), within(1e-5f));
      // The same sentence alone, without padding, pools to the same vector.
      NDList alone = model.forward(store, TinyBert.batch(manager, new int[][] {{2, 8, 3}}, null), false);
      assertThat(alone.get(1).toFloatArray()).containsExactly(out.get(1).get("1:2, :").toFloatArray(),
          within(1e-5f));
    }
  }

  @Test
  void regressionOutputIsASigmoidOrTheLinearLayerItself() {
    try (NDManager manager = NDManager.newBaseManager()) {
      TaskKind sts = new TaskKind.Regression(0, 5);
      TaskHead sigmoid = Heads.forTask(sts, 4, HeadOptions.DEFAULT);
      TaskHead linear = Heads.forTask(sts, 4, HeadOptions.DEFAULT.withRegressionOutput(RegressionOutput.LINEAR));
      for (TaskHead head : List.of(sigmoid, linear)) {
        head.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
        ParameterNames.of(head).get("dense.weight").getArray().set(new float[] {1f, 2f, 0f, -1f});
        ParameterNames.of(head).get("dense.bias").getArray().set(new float[] {0.5f});
      }
      NDArray x = manager.create(new float[] {1f, 1f, 1f, 1f, -1f, 0f, 0f, 0f}, new Shape(2, 4));
      ParameterStore store = new ParameterStore(manager, false);
      // 1 + 2 − 1 + 0.5 = 2.5 and −1 + 0.5 = −0.5: a linear output leaves [0, 1].
      assertThat(linear.apply(store, x, false).toFloatArray()).containsExactly(new float[] {2.5f, -0.5f},
          within(1e-6f));
      assertThat(sigmoid.apply(store, x, false).toFloatArray()).containsExactly(
          new float[] {(float) (1 / (1 + Math.exp(-2.5))), (float) (1 / (1 + Math.exp(0.5)))}, within(1e-6f));
      // Classification heads give logits whatever the regression output.
      TaskHead classifier = Heads.forTask(TaskKind.Classification.of("a", "b"), 4,
          HeadOptions.DEFAULT.withRegressionOutput(RegressionOutput.SIGMOID));
      classifier.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
      ParameterNames.of(classifier).get("dense.bias").getArray().set(new float[] {5f, -5f});
      ParameterNames.of(classifier).get("dense.weight").getArray().set(new float[8]);
      assertThat(classifier.apply(store, x, false).toFloatArray()).containsExactly(5f, -5f, 5f, -5f);
    }
  }

  @Test
  void headOptionsAndSpecsReadBackFromJson() {
    HeadSpec spec = new HeadSpec("two-layer", new HeadOptions(Pooling.MEAN, RegressionOutput.LINEAR));
    assertThat(HeadSpec.fromJson(spec.toJson())).isEqualTo(spec);
    assertThat(spec.toJson().toString())
        .isEqualTo("{\"type\":\"two-layer\",\"pooling\":\"mean\",\"regression_output\":\"linear\"}");
    assertThat(HeadSpec.fromJson(null)).isEqualTo(HeadSpec.STANDARD);
    assertThat(HeadSpec.STANDARD.options()).isEqualTo(HeadOptions.DEFAULT);
    assertThat(HeadOptions.DEFAULT).isEqualTo(new HeadOptions(Pooling.CLS_POOLER, RegressionOutput.SIGMOID));
    assertThatThrownBy(() -> HeadSpec.fromJson(com.google.gson.JsonParser.parseString("{\"pooling\": \"max\"}")))
        .hasMessageContaining("unknown pooling 'max'").hasMessageContaining("cls_pooler");
  }

  @Test
  void registryFindsHeadsByNameAndNamesAMissingOne() {
    HeadFactory twoLayer = (kind, hidden, options) -> Heads.forTask(kind, hidden, options);
    HeadRegistry registry = HeadRegistry.standard().with("two-layer", twoLayer);
    assertThat(registry.names()).containsExactly("linear", "two-layer");
    assertThat(registry.factory("two-layer")).isSameAs(twoLayer);
    assertThat(registry.with("two-layer", twoLayer)).isSameAs(registry);
    assertThatThrownBy(() -> HeadRegistry.standard().factory("two-layer"))
        .hasMessageContaining("'two-layer' is not registered").hasMessageContaining("[linear]");
    assertThatThrownBy(() -> registry.with("two-layer", (k, h, o) -> null))
        .hasMessageContaining("already registered");
    assertThatThrownBy(() -> registry.with("linear", twoLayer)).hasMessageContaining("standard head");
    assertThatThrownBy(() -> registry.with("two layer", twoLayer)).hasMessageContaining("'two layer'");

    ModelHeads heads = ModelHeads.defaults().withHead("a", "two-layer", twoLayer).withHead("b", "two-layer");
    assertThat(heads.spec("a").type()).isEqualTo("two-layer");
    assertThat(heads.spec("c")).isEqualTo(HeadSpec.STANDARD);
    assertThat(heads.isDefault()).isFalse();
    assertThat(ModelHeads.defaults().isDefault()).isTrue();
    assertThatThrownBy(() -> heads.checkTasks(java.util.Set.of("a"))).hasMessageContaining("task b");
  }
}
