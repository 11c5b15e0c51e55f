package io.github.bamjava.glue.study;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.bamjava.glue.TrainCap;

/**
 * The CPU budget and hyper-parameters of a study; every method shares them, so that a difference between two
 * rows of the results is the difference between the methods.
 *
 * <p>Each task keeps {@code trainFraction} of its training examples, at least {@code minTrain} and at most
 * {@code maxTrain}, drawn at random with a fixed seed (the same examples for every method and seed). Keeping a
 * fraction rather than a fixed number keeps the tasks' sizes unequal, which task sampling is about: with equal
 * sizes every sampling exponent draws the same mixture. Dev sets keep at most {@code devCap} examples, drawn the
 * same way.
 *
 * @param trainFraction the share of each task's training examples kept
 * @param minTrain the fewest training examples a task keeps (all of them when it has fewer)
 * @param maxTrain the most training examples a task keeps
 * @param devCap the most dev examples a task is scored on
 * @param maxLength the longest tokenized input
 * @param learningRate the peak learning rate of every training run but fine-tuning
 * @param batchSize examples per minibatch, in every run
 * @param epochs passes over the training examples of every run but fine-tuning
 * @param finetuneLearningRate the peak learning rate of single-task fine-tuning
 * @param finetuneEpochs the passes of single-task fine-tuning
 * @param layerDecay the layer-wise learning-rate decay α (the ablation sets 1)
 * @param taskExponent the task-sampling exponent (the ablation sets 1)
 */
public record StudySettings(double trainFraction, int minTrain, int maxTrain, int devCap, int maxLength,
    double learningRate, int batchSize, int epochs, double finetuneLearningRate, int finetuneEpochs,
    double layerDecay, double taskExponent) {

  /** The seed of the random choice of kept training and dev examples. */
  public static final long CAP_SEED = 13;

  /**
   * The settings of the documented study on a 2-core CPU: 4% of each task (80 to 400 examples), dev sets of at
   * most 250, 64 tokens, batch 16, learning rate 1e-4 for 2 epochs (fine-tuning 5e-5 for 1 epoch), and the
   * paper's α 0.9 and task exponent 0.75.
   */
  public static final StudySettings CPU = new StudySettings(0.04, 80, 400, 250, 64, 1e-4, 16, 2, 5e-5, 1, 0.9,
      0.75);

  public StudySettings {
    checkArgument(trainFraction > 0 && trainFraction <= 1, "train fraction must be in (0, 1], got %s",
        trainFraction);
    checkArgument(minTrain >= 1 && maxTrain >= minTrain, "need 1 <= minTrain <= maxTrain, got %s and %s",
        minTrain, maxTrain);
    checkArgument(devCap >= 1, "dev cap must be >= 1, got %s", devCap);
    checkArgument(maxLength >= 3, "max length must be >= 3, got %s", maxLength);
    checkArgument(batchSize >= 1 && epochs >= 1 && finetuneEpochs >= 1, "batch size and epochs must be >= 1");
    checkArgument(learningRate > 0 && finetuneLearningRate > 0, "learning rates must be > 0");
    checkArgument(layerDecay > 0 && layerDecay <= 1, "layer decay must be in (0, 1], got %s", layerDecay);
    checkArgument(taskExponent >= 0, "task exponent must be >= 0, got %s", taskExponent);
  }

  /** The cap of a task with {@code size} training examples. */
  public TrainCap trainCap(int size) {
    long kept = Math.round(trainFraction * size);
    return TrainCap.random((int) Math.max(minTrain, Math.min(maxTrain, kept)), CAP_SEED);
  }

  /** The choice of every task's scored dev examples. */
  public TrainCap devSelection() {
    return TrainCap.random(devCap, CAP_SEED);
  }
}
