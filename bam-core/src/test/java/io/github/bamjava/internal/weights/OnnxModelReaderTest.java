package io.github.bamjava.internal.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.bamjava.weights.FloatTensor;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.WeightFileException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelReaderTest {

  private static final String QUERY_NODE = "/encoder/layer.0/attention/self/query/MatMul";
  private static final String QUERY_BIAS = "encoder.layer.0.attention.self.query.bias";

  @TempDir Path dir;

  private static byte[] rawFloats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  private static ProtoWriter node(String name, String op, String[] inputs, String... outputs) {
    ProtoWriter n = new ProtoWriter();
    for (String in : inputs) {
      n.string(1, in);
    }
    for (String out : outputs) {
      n.string(2, out);
    }
    return n.string(3, name).string(4, op);
  }

  /**
   * A tiny model as the PyTorch exporter would write one Linear layer: a transposed [in=2, out=3] weight under
   * a generated name read by a MatMul node, an HF-named bias, plus initializers in the other encodings and
   * unknown fields of every wire type that the reader must skip.
   */
  static byte[] tinyModel() {
    ProtoWriter weight = new ProtoWriter().packedVarints(1, 2, 3).varint(2, OnnxTensor.FLOAT)
        .string(8, "onnx::MatMul_1").bytes(9, rawFloats(1, 2, 3, 4, 5, 6));
    ProtoWriter bias = new ProtoWriter().varint(1, 3).varint(2, OnnxTensor.FLOAT).string(8, QUERY_BIAS)
        .packedFloats(4, 0.5f, -0.5f, 0.25f);
    ProtoWriter half = new ProtoWriter().varint(1, 2).varint(2, OnnxTensor.FLOAT16).string(8, "half")
        .varint(5, 0x3c00).varint(5, 0xc100);
    ProtoWriter longs = new ProtoWriter().varint(1, 2).varint(2, OnnxTensor.INT64).string(8, "longs")
        .varint(7, -5L).varint(7, 1L << 40);
    ProtoWriter doubles = new ProtoWriter().varint(2, OnnxTensor.DOUBLE).string(8, "scalar.double")
        .fixed64(10, Double.doubleToLongBits(-2.5));
    ProtoWriter strings = new ProtoWriter().varint(1, 1).varint(2, 8).string(8, "strings").string(6, "abc");
    ProtoWriter epsilon = new ProtoWriter().string(1, "epsilon").fixed32(2, Float.floatToIntBits(1e-12f))
        .varint(20, OnnxAttribute.FLOAT);
    ProtoWriter graph = new ProtoWriter()
        .message(1, node(QUERY_NODE, "MatMul", new String[] {"x", "onnx::MatMul_1"}, "mm"))
        .message(1, node("/encoder/layer.0/attention/self/query/Add", "Add", new String[] {QUERY_BIAS, "mm"},
            "y"))
        .message(1, node("/ln", "LayerNormalization", new String[] {"y"}, "z").message(5, epsilon))
        .string(2, "tiny")
        .message(5, weight).message(5, bias).message(5, half).message(5, longs).message(5, doubles)
        .message(5, strings)
        .fixed64(99, 7).fixed32(98, 7).group(97);
    return new ProtoWriter().varint(1, 8).string(2, "test").group(50).fixed32(51, 1)
        .message(7, graph).fixed64(52, 3).toBytes();
  }

  @Test
  void readsNodesAndInitializers() throws Exception {
    OnnxGraph g = OnnxModelReader.read(new ByteArrayInputStream(tinyModel()), "tiny.onnx");

    assertThat(g.nodes()).extracting(OnnxNode::opType).containsExactly("MatMul", "Add", "LayerNormalization");
    OnnxNode mm = g.nodes().get(0);
    assertThat(mm.name()).isEqualTo(QUERY_NODE);
    assertThat(mm.inputs()).containsExactly("x", "onnx::MatMul_1");
    assertThat(mm.outputs()).containsExactly("mm");
    assertThat(g.nodes().get(2).attributes().get("epsilon").f()).isEqualTo(1e-12f);

    assertThat(g.initializers().keySet())
        .containsExactly("onnx::MatMul_1", QUERY_BIAS, "half", "longs", "scalar.double", "strings");
    assertThat(g.tensor("onnx::MatMul_1")).isEqualTo(new HostTensor(new long[] {2, 3},
        new float[] {1, 2, 3, 4, 5, 6}));
    assertThat(g.tensor(QUERY_BIAS).values()).containsExactly(0.5f, -0.5f, 0.25f);
    assertThat(g.tensor("half").values()).containsExactly(1f, -2.5f);
    assertThat(g.tensor("longs").values()).containsExactly(-5f, (float) (1L << 40));
    assertThat(g.tensor("scalar.double")).isEqualTo(new HostTensor(new long[] {}, new float[] {-2.5f}));
  }

  @Test
  void aStreamOfKnownSizeReadsTheSameAndAWrongSizeIsAnError() throws Exception {
    byte[] model = tinyModel();
    OnnxGraph g = OnnxModelReader.read(new ByteArrayInputStream(model), model.length, "tiny.onnx");
    assertThat(g.initializers().keySet())
        .isEqualTo(OnnxModelReader.read(model, "tiny.onnx").initializers().keySet());
    assertThat(g.tensor("onnx::MatMul_1")).isEqualTo(new HostTensor(new long[] {2, 3},
        new float[] {1, 2, 3, 4, 5, 6}));
    assertThatThrownBy(() -> OnnxModelReader.read(new ByteArrayInputStream(model), model.length + 1, "tiny.onnx"))
        .isInstanceOf(WeightFileException.class).hasMessageContaining("tiny.onnx").hasMessageContaining("truncated");
    assertThatThrownBy(() -> OnnxModelReader.read(new ByteArrayInputStream(model), model.length - 1, "tiny.onnx"))
        .isInstanceOf(WeightFileException.class).hasMessageContaining("more than the " + (model.length - 1));
  }

  @Test
  void unsupportedTypeIsAnErrorOnlyWhenRequested() throws Exception {
    OnnxGraph g = OnnxModelReader.read(tinyModel(), "tiny.onnx");
    assertThatThrownBy(() -> g.tensor("strings"))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContainingAll("tiny.onnx", "'strings'", "STRING");
    assertThatThrownBy(() -> g.tensor("absent"))
        .isInstanceOf(WeightFileException.class).hasMessageContainingAll("tiny.onnx", "'absent'");
  }

  @Test
  void mapsMatMulWeightsToTransposedHfNames() throws Exception {
    LinkedHashMap<String, FloatTensor> hf = OnnxBertWeights.hfTensors(OnnxModelReader.read(tinyModel(), "t"));

    assertThat(hf.keySet()).containsExactly(QUERY_BIAS, "encoder.layer.0.attention.self.query.weight");
    // [in=2, out=3] rows (1 2 3), (4 5 6) become [out=3, in=2] rows (1 4), (2 5), (3 6).
    FloatTensor query = hf.get("encoder.layer.0.attention.self.query.weight");
    assertThat(query.shape()).containsExactly(3, 2);
    assertThat(query.toFloatArray()).containsExactly(1, 4, 2, 5, 3, 6);
    assertThat(hf.get(QUERY_BIAS).toFloatArray()).containsExactly(0.5f, -0.5f, 0.25f);
  }

  @Test
  void floatRawDataIsReadWhereItLiesAndOtherDataIsConverted() throws Exception {
    OnnxGraph g = OnnxModelReader.read(tinyModel(), "tiny.onnx");
    for (String name : List.of("onnx::MatMul_1", QUERY_BIAS, "half", "longs", "scalar.double")) {
      FloatTensor floats = g.floats(name);
      assertThat(floats.shape()).as(name).isEqualTo(g.tensor(name).shape());
      assertThat(floats.toFloatArray()).as(name).containsExactly(g.tensor(name).values());
    }
    assertThat(g.floats("onnx::MatMul_1")).isNotInstanceOf(HostTensor.class);
    assertThat(g.floats("half")).isInstanceOf(HostTensor.class);
    assertThatThrownBy(() -> g.floats("strings")).isInstanceOf(WeightFileException.class);
  }

  @Test
  void incompleteBertNamesEveryMissingTensor() throws Exception {
    OnnxGraph g = OnnxModelReader.read(tinyModel(), "tiny.onnx");
    assertThatThrownBy(() -> OnnxBertWeights.bertStateDict(g))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContainingAll("tiny.onnx", "19 tensor(s) missing", "embeddings.word_embeddings.weight",
            "embeddings.LayerNorm.bias", "encoder.layer.0.attention.self.key.weight",
            "encoder.layer.0.output.LayerNorm.bias")
        .hasMessageNotContaining("encoder.layer.0.attention.self.query.weight,");
  }

  @Test
  void externalDataIsAClearError() throws Exception {
    ProtoWriter location = new ProtoWriter().string(1, "location").string(2, "weights.bin");
    ProtoWriter tensor = new ProtoWriter().varint(1, 4).varint(2, OnnxTensor.FLOAT).string(8, "ext")
        .message(13, location).varint(14, 1);
    byte[] model = new ProtoWriter().message(7, new ProtoWriter().message(5, tensor)).toBytes();
    OnnxGraph g = OnnxModelReader.read(model, "big.onnx");
    assertThatThrownBy(() -> g.tensor("ext"))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContainingAll("big.onnx", "'ext'", "external", "weights.bin");
  }

  @Test
  void dataSizeMismatchNamesTensor() throws Exception {
    ProtoWriter tensor = new ProtoWriter().packedVarints(1, 2, 2).varint(2, OnnxTensor.FLOAT).string(8, "w")
        .bytes(9, rawFloats(1, 2, 3));
    OnnxGraph g = OnnxModelReader.read(new ProtoWriter().message(7, new ProtoWriter().message(5, tensor))
        .toBytes(), "m.onnx");
    assertThatThrownBy(() -> g.tensor("w"))
        .isInstanceOf(WeightFileException.class).hasMessageContainingAll("m.onnx", "'w'", "12 bytes", "16");
  }

  @Test
  void hugeDimsWithoutDataFailBeforeAllocating() throws Exception {
    ProtoWriter typed = new ProtoWriter().varint(1, 1L << 30).varint(2, OnnxTensor.FLOAT).string(8, "typed")
        .packedFloats(4, 1f);
    ProtoWriter raw = new ProtoWriter().varint(1, 1L << 30).varint(2, OnnxTensor.INT64).string(8, "raw")
        .bytes(9, new byte[8]);
    OnnxGraph g = OnnxModelReader.read(new ProtoWriter()
        .message(7, new ProtoWriter().message(5, typed).message(5, raw)).toBytes(), "huge.onnx");
    assertThatThrownBy(() -> g.tensor("typed"))
        .isInstanceOf(WeightFileException.class).hasMessageContainingAll("huge.onnx", "'typed'", "1073741824");
    assertThatThrownBy(() -> g.tensor("raw"))
        .isInstanceOf(WeightFileException.class).hasMessageContainingAll("huge.onnx", "'raw'", "8 bytes");
  }

  @Test
  void noGraphIsAnError() {
    assertThatThrownBy(() -> OnnxModelReader.read(new ProtoWriter().varint(1, 8).toBytes(), "empty.onnx"))
        .isInstanceOf(WeightFileException.class).hasMessageContainingAll("empty.onnx", "no graph");
    assertThatThrownBy(() -> OnnxModelReader.read(dir.resolve("absent.onnx")))
        .isInstanceOf(WeightFileException.class).hasMessageContainingAll("absent.onnx", "no such file");
  }

  @Test
  void textIsNotAModel() throws Exception {
    Path file = dir.resolve("readme.onnx");
    Files.writeString(file, "this is not a protobuf, just some text\n");
    assertThatThrownBy(() -> OnnxModelReader.read(file))
        .isInstanceOf(WeightFileException.class).hasMessageContaining("readme.onnx");
  }

  @Test
  void everyTruncationFailsCleanly() {
    byte[] model = tinyModel();
    int graphEnd = model.length - new ProtoWriter().fixed64(52, 3).toBytes().length;
    for (int length = 0; length < model.length; length++) {
      byte[] cut = Arrays.copyOf(model, length);
      if (length == graphEnd) {
        continue; // ends right after the graph: a complete model without its last unknown field
      }
      assertThat(catchThrowable(() -> OnnxModelReader.read(cut, "cut.onnx")))
          .as("truncated to %d of %d bytes", length, model.length)
          .isInstanceOf(WeightFileException.class).hasMessageContaining("cut.onnx");
    }
  }

  @Test
  void garbageNeverEscapesAsAnotherException() {
    Random random = new Random(7);
    byte[] model = tinyModel();
    for (int trial = 0; trial < 2000; trial++) {
      byte[] bytes = trial % 2 == 0 ? new byte[random.nextInt(200)] : model.clone();
      if (trial % 2 == 0) {
        random.nextBytes(bytes);
      } else {
        for (int flips = 0; flips < 3; flips++) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
      }
      try {
        OnnxGraph g = OnnxModelReader.read(bytes, "garbage.onnx");
        for (String name : g.initializers().keySet()) {
          try {
            g.tensor(name);
          } catch (WeightFileException expected) {
            assertThat(expected).hasMessageContaining("garbage.onnx");
          }
        }
      } catch (WeightFileException expected) {
        assertThat(expected).hasMessageContaining("garbage.onnx");
      }
    }
  }
}
