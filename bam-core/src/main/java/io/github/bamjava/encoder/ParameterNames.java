package io.github.bamjava.encoder;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HuggingFace-style dotted names for the parameters of a block tree.
 *
 * <p>DJL prefixes each child block's name with its position ("01embeddings"); stripping that prefix and joining
 * the path with dots gives exactly the checkpoint names, because every block here names its children and
 * parameters after the HuggingFace module fields.
 */
public final class ParameterNames {
  private ParameterNames() {}

  /** The parameters of {@code root} by dotted name, in definition order. */
  public static Map<String, Parameter> of(Block root) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect(root, "", out, Block.class);
    return out;
  }

  /** The parameters of the blocks of type {@code owner} under {@code root} by dotted name, in definition order. */
  public static Map<String, Parameter> of(Block root, Class<? extends Block> owner) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect(root, "", out, owner);
    return out;
  }

  private static void collect(Block block, String prefix, Map<String, Parameter> out,
      Class<? extends Block> owner) {
    if (owner.isInstance(block)) {
      for (Pair<String, Parameter> p : block.getDirectParameters()) {
        out.put(prefix + p.getValue().getName(), p.getValue());
      }
    }
    for (Pair<String, Block> child : block.getChildren()) {
      collect(child.getValue(), prefix + stripPosition(child.getKey()) + ".", out, owner);
    }
  }

  private static String stripPosition(String childName) {
    int i = 0;
    while (i < childName.length() && Character.isDigit(childName.charAt(i))) {
      i++;
    }
    return childName.substring(i);
  }
}
