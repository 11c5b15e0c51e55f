package io.github.bamjava.internal.weights;

import io.github.bamjava.weights.FloatTensor;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.WeightFileException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model that weight loading needs: the nodes in graph order and the initializers by name.
 *
 * <p>Initializers are {@link OnnxTensor} views, converted to float32 only when {@link #tensor} is called.
 *
 * @param source the file or resource the model came from, for messages
 * @param nodes the graph's nodes in file order
 * @param initializers the graph's initializers by name, in file order
 */
public record OnnxGraph(String source, List<OnnxNode> nodes, Map<String, OnnxTensor> initializers) {

  public OnnxGraph {
    nodes = List.copyOf(nodes);
    // Map.copyOf would lose the file order, which keeps dumps and messages readable.
    initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
  }

  /** The named initializer converted to float32. */
  public HostTensor tensor(String name) throws WeightFileException {
    return initializer(name).toHostTensor();
  }

  /**
   * The named initializer as float32: a view of the model's bytes where it can be ({@link
   * OnnxTensor#toFloatTensor}).
   */
  public FloatTensor floats(String name) throws WeightFileException {
    return initializer(name).toFloatTensor();
  }

  private OnnxTensor initializer(String name) throws WeightFileException {
    OnnxTensor t = initializers.get(name);
    if (t == null) {
      throw new WeightFileException(source, name, "no such initializer in the model");
    }
    return t;
  }
}
