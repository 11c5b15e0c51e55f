package io.github.bamjava.pipeline;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * One training stage's optimisation settings: the teachers', the student's or the fine-tuning's.
 *
 * @param learningRate the peak learning rate of the top layer (warm-up 10%, then linear decay)
 * @param batchSize examples per minibatch
 * @param epochs passes over the training examples
 */
public record Stage(double learningRate, int batchSize, int epochs) {

  /** Checks that every value can train: a rate above 0, at least one example a batch and one epoch. */
  public Stage {
    checkArgument(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be > 0, got %s",
        learningRate);
    checkArgument(batchSize >= 1, "batch size must be >= 1, got %s", batchSize);
    checkArgument(epochs >= 1, "epochs must be >= 1, got %s", epochs);
  }

  /** This stage with another peak learning rate. */
  public Stage withLearningRate(double rate) {
    return new Stage(rate, batchSize, epochs);
  }

  /** This stage with another batch size. */
  public Stage withBatchSize(int size) {
    return new Stage(learningRate, size, epochs);
  }

  /** This stage with another number of epochs. */
  public Stage withEpochs(int n) {
    return new Stage(learningRate, batchSize, n);
  }
}
