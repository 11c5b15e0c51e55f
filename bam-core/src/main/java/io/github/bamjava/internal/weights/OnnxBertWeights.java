package io.github.bamjava.internal.weights;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.bamjava.weights.FloatTensor;
import io.github.bamjava.weights.WeightFileException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a BERT model exported to ONNX by PyTorch into a HuggingFace-named state dict, so the encoder can load
 * it exactly like a {@code model.safetensors} checkpoint.
 *
 * <p>The PyTorch exporter keeps the module names of embeddings, biases and LayerNorm parameters, but stores each
 * Linear weight transposed ([in, out]) under a generated name such as {@code onnx::MatMul_787}. Such a weight is
 * identified by the MatMul node that reads it, whose name is the module path: the node
 * {@code /encoder/layer.0/attention/self/query/MatMul} reads {@code encoder.layer.0.attention.self.query.weight},
 * which is transposed back to HuggingFace's [out, in]. Initializers that are not weights (position ids, shape
 * constants) are left out.
 */
public final class OnnxBertWeights {

  /** The parameters of each encoder layer, after {@code encoder.layer.<i>.}. */
  public static final List<String> LAYER_TENSORS = List.of(
      "attention.self.query.weight", "attention.self.query.bias",
      "attention.self.key.weight", "attention.self.key.bias",
      "attention.self.value.weight", "attention.self.value.bias",
      "attention.output.dense.weight", "attention.output.dense.bias",
      "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
      "intermediate.dense.weight", "intermediate.dense.bias",
      "output.dense.weight", "output.dense.bias",
      "output.LayerNorm.weight", "output.LayerNorm.bias");

  /** The embedding parameters. */
  public static final List<String> EMBEDDING_TENSORS = List.of(
      "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
      "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias");

  private static final Pattern HF_WEIGHT = Pattern.compile("(?:embeddings|encoder|pooler)\\..*\\.(?:weight|bias)");
  private static final Pattern LINEAR_NODE =
      Pattern.compile("/((?:embeddings|encoder|pooler)(?:/[^/]+)*)/MatMul");
  private static final Pattern LAYER_INDEX = Pattern.compile("encoder\\.layer\\.(\\d+)\\.");

  private OnnxBertWeights() {}

  /** Where a HuggingFace tensor comes from: an initializer, maybe stored transposed. */
  private record Origin(String initializer, boolean transposed) {}

  /**
   * Every tensor of the graph that has, or can be given, a HuggingFace name, without checking that the set is
   * complete: HF-named initializers in file order, then the Linear weights found through MatMul nodes.
   *
   * @throws WeightFileException when a mapped initializer cannot be converted or a Linear weight is not 2-D
   */
  public static LinkedHashMap<String, FloatTensor> hfTensors(OnnxGraph graph) throws WeightFileException {
    Map<String, Origin> origins = new LinkedHashMap<>();
    for (String name : graph.initializers().keySet()) {
      if (HF_WEIGHT.matcher(name).matches()) {
        origins.put(name, new Origin(name, false));
      }
    }
    for (OnnxNode node : graph.nodes()) {
      if (!node.opType().equals("MatMul") || node.inputs().size() != 2) {
        continue;
      }
      String weight = node.inputs().get(1);
      Matcher m = LINEAR_NODE.matcher(node.name());
      if (m.matches() && graph.initializers().containsKey(weight) && !HF_WEIGHT.matcher(weight).matches()) {
        // A module path keeps '.' inside its parts (layer.0), so only the separators change.
        origins.putIfAbsent(m.group(1).replace('/', '.') + ".weight", new Origin(weight, true));
      }
    }
    LinkedHashMap<String, FloatTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, Origin> e : origins.entrySet()) {
      FloatTensor t = graph.floats(e.getValue().initializer());
      tensors.put(e.getKey(), e.getValue().transposed() ? transposed(graph.source(), e.getKey(), t) : t);
    }
    return tensors;
  }

  /**
   * The complete BERT state dict of the graph, in HuggingFace order: embeddings, then each layer's 16 tensors,
   * then the pooler and any other HF-named weights if the file has them (nothing is invented).
   *
   * <p>The number of layers is the highest {@code encoder.layer.<i>} found plus one.
   *
   * @throws WeightFileException listing every missing tensor when the graph is not a complete BERT encoder
   */
  public static LinkedHashMap<String, FloatTensor> bertStateDict(OnnxGraph graph) throws WeightFileException {
    LinkedHashMap<String, FloatTensor> found = hfTensors(graph);
    int layers = 0;
    for (String name : found.keySet()) {
      Matcher m = LAYER_INDEX.matcher(name);
      if (m.lookingAt()) {
        layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
      }
    }
    List<String> expected = bertTensorNames(Math.max(layers, 1));
    List<String> missing = new ArrayList<>();
    for (String name : expected) {
      if (!found.containsKey(name)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new WeightFileException(graph.source(), null, "not a complete BERT encoder export: "
          + missing.size() + " tensor(s) missing: " + String.join(", ", missing));
    }
    LinkedHashMap<String, FloatTensor> ordered = new LinkedHashMap<>();
    for (String name : expected) {
      ordered.put(name, found.get(name));
    }
    found.forEach(ordered::putIfAbsent);
    return ordered;
  }

  /** The HuggingFace names of a BERT encoder's tensors (no pooler), in checkpoint order. */
  public static List<String> bertTensorNames(int numLayers) {
    checkArgument(numLayers >= 1, "numLayers must be at least 1, got %s", numLayers);
    List<String> names = new ArrayList<>(EMBEDDING_TENSORS);
    for (int i = 0; i < numLayers; i++) {
      for (String suffix : LAYER_TENSORS) {
        names.add("encoder.layer." + i + "." + suffix);
      }
    }
    return List.copyOf(names);
  }

  /**
   * {@code t} transposed, made when it is read: the exporter's [in, out] matrix turned back into [out, in]. Lazy,
   * so that a model kept in memory holds its file's bytes and not a second copy of its Linear weights.
   */
  private static FloatTensor transposed(String source, String name, FloatTensor t) throws WeightFileException {
    long[] shape = t.shape();
    if (shape.length != 2) {
      throw new WeightFileException(source, name,
          "a Linear weight read by a MatMul must be 2-D, got shape " + Arrays.toString(shape));
    }
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    return new FloatTensor() {
      @Override
      public long[] shape() {
        return new long[] {cols, rows};
      }

      @Override
      public FloatBuffer buffer() {
        FloatBuffer in = t.buffer();
        int start = in.position();
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            out[c * rows + r] = in.get(start + r * cols + c);
          }
        }
        return FloatBuffer.wrap(out);
      }
    };
  }
}
