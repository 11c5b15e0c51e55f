package io.github.bamjava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.github.bamjava.encoder.BertDropout;
import io.github.bamjava.encoder.Dense;
import io.github.bamjava.task.TaskKind;

/** The standard heads of the paper: dropout, then a linear layer; a sigmoid on top for regression. */
public final class Heads {
  private Heads() {}

  /** BERT's classifier dropout. */
  public static final float DROPOUT = 0.1f;

  /** The default head for a task: softmax classifier or sigmoid regressor, by its kind. */
  public static TaskHead forTask(TaskKind kind, int hiddenSize) {
    return new Linear(hiddenSize, kind.outputSize(), kind instanceof TaskKind.Regression);
  }

  /** Dropout and a linear layer ({@code dense}), with a sigmoid for regression heads. */
  public static final class Linear extends TaskHead {
    private final Dense dense;
    private final int outputs;
    private final boolean sigmoid;

    public Linear(int hiddenSize, int outputs, boolean sigmoid) {
      this.dense = addChildBlock("dense", new Dense(hiddenSize, outputs));
      this.outputs = outputs;
      this.sigmoid = sigmoid;
    }

    @Override
    public NDArray apply(ParameterStore store, NDArray pooled, boolean training) {
      NDArray x = BertDropout.apply(pooled, DROPOUT, training);
      NDArray out = dense.apply(store, x, training);
      return sigmoid ? Activation.sigmoid(out) : out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {new Shape(inputShapes[0].get(0), outputs)};
    }
  }
}
