package io.github.bamjava.internal.weights;

/**
 * The scalar part of an ONNX {@code AttributeProto}: enough to read settings such as a LayerNormalization
 * epsilon or a Constant's value. List- and graph-valued attributes are recognised by {@code type} only.
 *
 * @param name the attribute name, e.g. {@code epsilon}
 * @param type the ONNX attribute type code (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 6 FLOATS, 7 INTS, ...)
 * @param f the value of a FLOAT attribute, else 0
 * @param i the value of an INT attribute, else 0
 * @param s the value of a STRING attribute (as UTF-8), else empty
 * @param t the value of a TENSOR attribute, else null
 */
public record OnnxAttribute(String name, int type, float f, long i, String s, OnnxTensor t) {

  public static final int FLOAT = 1;
  public static final int INT = 2;
  public static final int STRING = 3;
  public static final int TENSOR = 4;
}
