package io.github.bamjava.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.encoder.Architecture;
import io.github.bamjava.encoder.BertConfig;
import io.github.bamjava.encoder.BertEncoder;
import io.github.bamjava.encoder.CheckpointLayout;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LayerDepthTest {

  private final LayerDepth bertBase = new LayerDepth(12);

  @Test
  void depthsOfATwelveLayerModel() {
    assertThat(bertBase.depth("embeddings.word_embeddings.weight")).isEqualTo(0);
    assertThat(bertBase.depth("embeddings.LayerNorm.weight")).isEqualTo(0);
    assertThat(bertBase.depth("encoder.layer.0.attention.self.query.weight")).isEqualTo(1);
    assertThat(bertBase.depth("encoder.layer.3.attention.self.query.bias")).isEqualTo(4);
    assertThat(bertBase.depth("encoder.layer.11.output.LayerNorm.bias")).isEqualTo(12);
    assertThat(bertBase.depth("pooler.dense.weight")).isEqualTo(13);
    assertThat(bertBase.depth("heads.mnli.weight")).isEqualTo(14);
    assertThat(bertBase.depth("heads.sts-b.bias")).isEqualTo(14);
    assertThat(bertBase.topDepth()).isEqualTo(14);
    assertThat(bertBase.distanceFromTop("embeddings.position_embeddings.weight")).isEqualTo(14);
    assertThat(bertBase.distanceFromTop("encoder.layer.11.output.dense.weight")).isEqualTo(2);
  }

  /**
   * Every architecture's parameters, under its saved prefix: embeddings (ELECTRA's embeddings_project with them)
   * at 0, layer i at i + 1, the pooler at L + 1; LayerNorms under any of their names escape weight decay.
   */
  @ParameterizedTest
  @EnumSource(Architecture.class)
  void depthsOfEveryArchitecturesParameters(Architecture architecture) {
    BertConfig config = BertConfig.of(architecture, 50, 16, 3, 4, 32);
    if (architecture == Architecture.ELECTRA) {
      config = config.withEmbeddingSize(8);
    }
    String prefix = CheckpointLayout.encoderPrefix(architecture);
    List<String> names = new BertEncoder(config).namedParameters().keySet().stream().map(n -> prefix + n).toList();
    LayerDepth depth = LayerDepth.inferredFrom(names);
    assertThat(depth.numLayers()).isEqualTo(3);
    String layers = prefix + CheckpointLayout.layersOf(architecture) + ".layer.";
    for (String name : names) {
      int expected = name.startsWith(prefix + "embeddings") ? 0
          : name.startsWith(prefix + "pooler.") ? 4
          : Integer.parseInt(name.substring(layers.length(), layers.length() + 1)) + 1;
      assertThat(depth.depth(name)).as(name).isEqualTo(expected);
      boolean norm = name.contains("LayerNorm") || name.contains("layer_norm");
      assertThat(LayerwiseLrOptimizer.appliesWeightDecay(name)).as(name)
          .isEqualTo(!norm && !name.endsWith(".bias"));
    }
    assertThat(depth.depth("heads.task.dense.weight")).isEqualTo(5);
    if (architecture == Architecture.ELECTRA) {
      assertThat(names).contains("electra.embeddings_project.weight");
    }
    if (architecture == Architecture.DISTILBERT) {
      assertThat(names).contains("distilbert.transformer.layer.2.sa_layer_norm.weight");
    }
  }

  @Test
  void encoderNameOutsideALayerIsAnErrorNamingIt() {
    assertThatThrownBy(() -> bertBase.depth("encoder.rel_embeddings.weight"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("encoder.rel_embeddings.weight");
    assertThatThrownBy(() -> bertBase.depth("encoder.layer.x.output.dense.weight"))
        .hasMessageContaining("encoder.layer.x.output.dense.weight");
  }

  @Test
  void layerIndexBeyondTheModelIsAnError() {
    assertThatThrownBy(() -> bertBase.depth("encoder.layer.12.output.dense.weight"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("encoder.layer.12.output.dense.weight")
        .hasMessageContaining("12 layers");
  }

  @Test
  void numberOfLayersIsInferredFromNames() {
    LayerDepth inferred = LayerDepth.inferredFrom(List.of("embeddings.word_embeddings.weight",
        "encoder.layer.0.output.dense.weight", "encoder.layer.5.output.dense.bias", "pooler.dense.weight"));
    assertThat(inferred.numLayers()).isEqualTo(6);
    assertThatThrownBy(() -> LayerDepth.inferredFrom(List.of("heads.a.weight")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heads.a.weight");
  }

  @Test
  void zeroLayersIsAnError() {
    assertThatThrownBy(() -> new LayerDepth(0)).hasMessageContaining("numLayers must be >= 1, got 0");
  }

  @Test
  void taskModelPrefixIsIgnored() {
    // L = 12: embeddings 0, layer i -> i + 1, pooler L + 1 = 13, heads L + 2 = 14.
    assertThat(bertBase.depth("bert.embeddings.word_embeddings.weight")).isEqualTo(0);
    assertThat(bertBase.depth("bert.embeddings.LayerNorm.gamma")).isEqualTo(0);
    assertThat(bertBase.depth("bert.encoder.layer.3.attention.self.query.weight")).isEqualTo(4);
    assertThat(bertBase.depth("bert.encoder.layer.11.output.LayerNorm.beta")).isEqualTo(12);
    assertThat(bertBase.depth("bert.pooler.dense.weight")).isEqualTo(13);
    assertThat(bertBase.depth("heads.SST-2.dense.weight")).isEqualTo(14);
    // 14 − 4 = 10 steps below the top, as without the prefix.
    assertThat(bertBase.distanceFromTop("bert.encoder.layer.3.output.dense.bias"))
        .isEqualTo(bertBase.distanceFromTop("encoder.layer.3.output.dense.bias"))
        .isEqualTo(10);
  }

  @Test
  void prefixedNamesAreCheckedLikePlainOnes() {
    // The message names the parameter as given, prefix included.
    assertThatThrownBy(() -> bertBase.depth("bert.encoder.layer.12.output.dense.weight"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bert.encoder.layer.12.output.dense.weight")
        .hasMessageContaining("12 layers");
    assertThatThrownBy(() -> bertBase.depth("bert.encoder.rel_embeddings.weight"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bert.encoder.rel_embeddings.weight");
  }

  @Test
  void onlyALeadingBertPrefixIsStripped() {
    // A head whose name merely contains "bert." stays a head; "bertx." is not the prefix.
    assertThat(bertBase.depth("heads.bert.embeddings.weight")).isEqualTo(14);
    assertThat(bertBase.depth("bertx.embeddings.weight")).isEqualTo(14);
  }

  @Test
  void numberOfLayersIsInferredFromPrefixedNames() {
    LayerDepth inferred = LayerDepth.inferredFrom(List.of("bert.embeddings.word_embeddings.weight",
        "bert.encoder.layer.0.output.dense.weight", "bert.encoder.layer.3.output.dense.bias",
        "bert.pooler.dense.weight", "heads.SST-2.dense.weight"));
    // Largest index 3 -> L = 4: pooler at 5, heads at 6.
    assertThat(inferred.numLayers()).isEqualTo(4);
    assertThat(inferred.depth("bert.pooler.dense.weight")).isEqualTo(5);
    assertThat(inferred.depth("heads.SST-2.dense.weight")).isEqualTo(6);
  }
}
