package io.github.bamjava.encoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/** A small random-initialised BERT for tests of logic, fast on two cores. */
public final class TinyBert {
  private TinyBert() {}

  public static final BertConfig CONFIG =
      new BertConfig(100, 32, 2, 4, 64, 64, 2, 1e-12f, 0.1f, 0.1f, "gelu");

  /** An initialised encoder with parameters in {@code manager}; the engine's seed is set first. */
  public static BertEncoder create(NDManager manager, BertConfig config, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    BertEncoder encoder = new BertEncoder(config);
    encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8), new Shape(1, 8));
    return encoder;
  }

  /** A batch of (ids, types, mask) from rows of ids; shorter rows are padded with 0 and masked. */
  public static NDList batch(NDManager manager, int[][] rows, int[][] types) {
    int seq = 0;
    for (int[] r : rows) {
      seq = Math.max(seq, r.length);
    }
    long[] ids = new long[rows.length * seq];
    long[] tt = new long[rows.length * seq];
    long[] mask = new long[rows.length * seq];
    for (int b = 0; b < rows.length; b++) {
      for (int s = 0; s < rows[b].length; s++) {
        ids[b * seq + s] = rows[b][s];
        tt[b * seq + s] = types == null ? 0 : types[b][s];
        mask[b * seq + s] = 1;
      }
    }
    Shape shape = new Shape(rows.length, seq);
    return new NDList(manager.create(ids, shape), manager.create(tt, shape), manager.create(mask, shape));
  }

  /**
   * A training forward pass of {@code inputs} [batch, seq]: the tokens' hidden states (padding zeroed by {@code
   * mask}), then every weight's gradient of their sum plus the pooled vectors' sum; the gradients are zeroed after.
   */
  static List<float[]> tokenOutputsAndGradients(BertEncoder encoder, ParameterStore store, NDList inputs,
      long[] mask, int batch, int seq) {
    List<float[]> out = new ArrayList<>();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDList result = encoder.forward(store, inputs, true);
      NDArray tokens = result.get(0).getManager().create(mask).reshape(batch, seq, 1)
          .toType(result.get(0).getDataType(), false);
      NDArray hidden = result.get(0).mul(tokens);
      out.add(hidden.toFloatArray());
      gc.backward(hidden.sum().add(result.get(1).sum()));
    }
    out.addAll(takeGradients(encoder));
    return out;
  }

  /** Every weight's gradient, in checkpoint order, each zeroed once read. */
  static List<float[]> takeGradients(BertEncoder encoder) {
    List<float[]> out = new ArrayList<>();
    for (Parameter p : encoder.namedParameters().values()) {
      NDArray g = p.getArray().getGradient();
      out.add(g.toFloatArray());
      g.subi(g);
    }
    return out;
  }

  static NDArray row(NDArray hidden, int b, int length) {
    return hidden.get(b + ", 0:" + length + ", :");
  }
}
