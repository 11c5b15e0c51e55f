package io.github.bamjava.internal.weights;

import java.util.List;
import java.util.Map;

/**
 * One ONNX {@code NodeProto}: an operator application in the graph. Weight mapping needs it because exporters
 * give Linear weights generated names and only the node that uses a weight says which layer it belongs to.
 *
 * @param name the node name, e.g. {@code /encoder/layer.0/attention/self/query/MatMul}; may be empty
 * @param opType the operator, e.g. {@code MatMul}
 * @param inputs the names of the values it reads, in order (an empty name is an omitted optional input)
 * @param outputs the names of the values it produces
 * @param attributes the scalar and tensor attributes, by name
 */
public record OnnxNode(
    String name,
    String opType,
    List<String> inputs,
    List<String> outputs,
    Map<String, OnnxAttribute> attributes) {

  public OnnxNode {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    attributes = Map.copyOf(attributes);
  }
}
