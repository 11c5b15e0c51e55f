package io.github.bamjava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.github.bamjava.encoder.BertDropout;
import io.github.bamjava.encoder.Dense;
import io.github.bamjava.task.TaskKind;

/**
 * The standard head of the paper: dropout, then a linear layer; for regression, a sigmoid on top ({@link
 * RegressionOutput#SIGMOID}) or not ({@link RegressionOutput#LINEAR}, as in the original BAM code).
 */
public final class Heads {
  private Heads() {}

  /** BERT's classifier dropout. */
  public static final float DROPOUT = 0.1f;

  /** The default head for a task with the default options: softmax classifier or sigmoid regressor. */
  public static TaskHead forTask(TaskKind kind, int hiddenSize) {
    return forTask(kind, hiddenSize, HeadOptions.DEFAULT);
  }

  /**
   * The standard head ({@link HeadRegistry#STANDARD}) for a task: a classifier, or a regressor with a sigmoid or
   * a linear output as {@code options} say.
   */
  public static TaskHead forTask(TaskKind kind, int hiddenSize, HeadOptions options) {
    boolean sigmoid = kind instanceof TaskKind.Regression
        && options.regressionOutput() == RegressionOutput.SIGMOID;
    return new Linear(hiddenSize, kind.outputSize(), sigmoid);
  }

  /** Dropout and a linear layer ({@code dense}), with a sigmoid when asked (for regression heads). */
  public static final class Linear extends TaskHead {
    private final Dense dense;
    private final int outputs;
    private final boolean sigmoid;

    /**
     * A linear layer from {@code hiddenSize} to {@code outputs}, with a sigmoid on top when {@code sigmoid}
     * (regression).
     */
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
