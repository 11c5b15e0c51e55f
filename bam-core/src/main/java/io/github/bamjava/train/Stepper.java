package io.github.bamjava.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.bamjava.distill.DistillationLoss;
import io.github.bamjava.internal.sampling.ExampleRef;
import io.github.bamjava.optim.LayerwiseLrOptimizer;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.sampling.PaddedBatch;
import io.github.bamjava.text.PairTokenizer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One optimizer step: the planned examples as a padded batch with its annealed targets, every head's forward
 * pass, the masked distillation loss and the backward pass (for a batch of more than the micro-batch limit's
 * tokens, in micro-batches one after the other), {@link RunListener#onLoss}, and the layer-wise update. Every array
 * of a step lives in a manager closed when the step ends (a micro-batch's, when its backward pass is done), and
 * the batch takes one of a few shapes, so memory stays flat over a run.
 *
 * <p>Under mixed precision the forward pass reads the optimizer's FP16 weight copies ({@link
 * LayerwiseLrOptimizer#parameterStore}) and the backward pass starts from the loss times the loss scale; the
 * listeners see the unscaled loss, so an overflow that the loss scale absorbs stops nothing.
 */
final class Stepper {
  /**
   * A training batch computes its tokens rounded up to a multiple of this ({@link PaddedBatch#inputsInFewShapes}):
   * a mixed batch of 32 holds about 760 tokens, so 64 adds about 4 % to its dense work, where prediction's
   * coarser step would add up to a third; fine enough, and few enough sizes for malloc to reuse its blocks.
   */
  static final int PACKED_STEP = 64;

  private final BamModel model;
  private final PairTokenizer tokenizer;
  private final TrainingData data;
  private final DistillationLoss loss;
  private final LayerwiseLrOptimizer optimizer;
  private final List<String> tasks;
  private final List<RunListener> listeners;
  private final NDManager manager;
  private final ParameterStore store;
  private final long started = System.nanoTime();
  private final int microBatchTokens;
  private long steps;
  private long examples;

  Stepper(BamModel model, PairTokenizer tokenizer, TrainingData data, DistillationLoss loss,
      LayerwiseLrOptimizer optimizer, List<String> tasks, List<RunListener> listeners, NDManager manager,
      int microBatchTokens) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.data = data;
    this.loss = loss;
    this.optimizer = optimizer;
    this.tasks = tasks;
    this.listeners = listeners;
    this.manager = manager;
    this.microBatchTokens = microBatchTokens;
    this.store = optimizer.parameterStore(manager);
  }

  /**
   * Takes step {@code step} (0-based) on the planned examples.
   *
   * @param dropoutSeed the engine seed for this step's dropout masks
   */
  StepInfo step(List<ExampleRef> planned, long step, long totalSteps, int epoch, double lambda, int dropoutSeed) {
    TrainingData.Batch batch = data.batch(planned, lambda);
    TorchEngine.get().setRandomSeed(dropoutSeed);
    double lossScale = optimizer.lossScale();
    Pass pass;
    try (NDManager stepManager = manager.newSubManager()) {
      pass = forwardAndBackward(stepManager, batch, parts(batch, microBatchTokens), true);
      Map<String, Double> sums = new LinkedHashMap<>();
      for (int k = 0; k < pass.taskSums().length; k++) {
        sums.put(tasks.get(k), (double) pass.taskSums()[k]);
      }
      listeners.forEach(l -> l.onLoss(step, sums));
      optimizer.step();
    }
    float[] taskSums = pass.taskSums();
    double total = pass.total();
    steps++;
    examples += batch.taskOf().length;
    Map<String, Double> taskLoss = new LinkedHashMap<>();
    for (int k = 0; k < taskSums.length; k++) {
      if (batch.counts()[k] > 0) {
        taskLoss.put(tasks.get(k), (double) taskSums[k] / batch.counts()[k]);
      }
    }
    double elapsed = seconds();
    double rate = examples / Math.max(elapsed, 1e-9);
    double left = elapsed / steps * (totalSteps - step - 1);
    return new StepInfo(step + 1, totalSteps, epoch, total, taskLoss, lambda, optimizer.learningRate(),
        optimizer.lastGradNorm(), lossScale, batch.taskOf().length, batch.tokens(), rate, left);
  }

  /**
   * What a step's passes computed.
   *
   * @param taskSums each task's loss summed over its examples in the batch
   * @param total the loss the backward passes minimised: the sums added up and divided by the batch size
   */
  record Pass(float[] taskSums, double total) {}

  /**
   * The forward and backward passes of a batch, in {@code parts} micro-batches one after the other: each part's
   * loss is divided by the whole batch's size, so the gradients the parts leave in the parameters add up to the
   * batch's, and only one part's activations are alive at a time. Package-private for the tests, which compare
   * the gradients of a batch in one part and in several with {@code training} false (no dropout: a part draws
   * masks of its own shapes).
   */
  Pass forwardAndBackward(NDManager stepManager, TrainingData.Batch batch, int parts, boolean training) {
    int size = batch.taskOf().length;
    float[] taskSums = new float[tasks.size()];
    double total = 0;
    try (GradientCollector gc = TorchEngine.get().newGradientCollector()) {
      for (int part = 0; part < parts; part++) {
        int from = (int) ((long) size * part / parts);
        int to = (int) ((long) size * (part + 1) / parts);
        try (NDManager partManager = stepManager.newSubManager()) {
          NDList inputs = PaddedBatch.inputsInFewShapes(partManager, batch.encodings().subList(from, to),
              tokenizer.padId(), model.network().encoder().config(), PACKED_STEP);
          DistillationLoss.Targets targets = loss.targets(partManager, Arrays.copyOfRange(batch.taskOf(), from, to),
              batch.targets().subList(from, to));
          NDList outputs = model.network().forward(store, inputs, training);
          NDArray perTask = loss.perTask(outputs, targets);
          NDArray objective = DistillationLoss.total(perTask, size);
          float[] sums = perTask.toFloatArray();
          for (int k = 0; k < sums.length; k++) {
            taskSums[k] += sums[k];
          }
          total += objective.getFloat();
          gc.backward(optimizer.scaleLoss(objective));
        }
      }
    }
    return new Pass(taskSums, total);
  }

  /**
   * How many parts a batch is computed in, one after the other: enough that none holds more than {@code
   * maxTokens} real tokens (0: one part), at most one example each.
   */
  static int parts(TrainingData.Batch batch, int maxTokens) {
    if (maxTokens <= 0 || batch.tokens() <= maxTokens) {
      return 1;
    }
    return (int) Math.min(batch.taskOf().length, (batch.tokens() + maxTokens - 1) / maxTokens);
  }

  /** Wall time since this stepper was made (this process's part of the run): what the rate is measured over. */
  private double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }
}
