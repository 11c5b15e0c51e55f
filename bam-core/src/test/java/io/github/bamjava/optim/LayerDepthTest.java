package io.github.bamjava.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

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
}
