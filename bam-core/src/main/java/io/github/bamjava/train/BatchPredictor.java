package io.github.bamjava.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.bamjava.io.NativeMemory;
import io.github.bamjava.model.MultiTaskModel;
import io.github.bamjava.sampling.PaddedBatch;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.text.EncodedPair;
import io.github.bamjava.text.PairTokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs a model over examples without gradients, in large batches of similar length (sorted by token count, so
 * padding is minimal), and returns each example's output in the original order: class probabilities for
 * classification, the value on the [0, 1] scale of the label range for regression.
 */
public final class BatchPredictor {

  /** Examples per inference batch; no activations are kept for backward, so this can be large. */
  public static final int DEFAULT_BATCH_SIZE = 128;

  private final MultiTaskModel model;
  private final PairTokenizer tokenizer;
  private final int maxLength;
  private final int batchSize;
  private final boolean stoppable;

  /** A predictor that stops between batches when a stop is requested ({@link GracefulStop}). */
  public BatchPredictor(MultiTaskModel model, PairTokenizer tokenizer, int maxLength, int batchSize) {
    this(model, tokenizer, maxLength, batchSize, true);
  }

  private BatchPredictor(MultiTaskModel model, PairTokenizer tokenizer, int maxLength, int batchSize,
      boolean stoppable) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.batchSize = batchSize;
    this.stoppable = stoppable;
  }

  /**
   * This predictor for the dev evaluation inside a training run, which always finishes: the run stops after it,
   * with the epoch's checkpoint.
   */
  BatchPredictor duringTraining() {
    return new BatchPredictor(model, tokenizer, maxLength, batchSize, false);
  }

  /**
   * The outputs of the head of {@code task} on {@code examples}.
   *
   * @param manager the parent of the per-batch managers (closed after each batch)
   */
  public float[][] predict(NDManager manager, String task, TaskKind kind, List<Example> examples) {
    return run(manager, task, kind, examples, true);
  }

  /**
   * The raw outputs of the head of {@code task}: logits for classification (no softmax), the value for
   * regression. What a teacher keeps so that a student can apply a temperature.
   */
  public float[][] predictLogits(NDManager manager, String task, TaskKind kind, List<Example> examples) {
    return run(manager, task, kind, examples, false);
  }

  private float[][] run(NDManager manager, String task, TaskKind kind, List<Example> examples,
      boolean probabilities) {
    int head = model.taskNames().indexOf(task);
    if (head < 0) {
      throw new IllegalArgumentException("the model has no head for task " + task + "; it has "
          + model.taskNames());
    }
    List<EncodedPair> encodings = new ArrayList<>(examples.size());
    for (Example e : examples) {
      encodings.add(tokenizer.encode(e.textA(), e.textB(), maxLength));
    }
    Integer[] order = new Integer[examples.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingInt(i -> encodings.get(i).length()));
    float[][] out = new float[examples.size()][];
    ParameterStore store = new ParameterStore(manager, false);
    try (GracefulStop.Scope running = stoppable ? GracefulStop.enter() : null) {
      for (int start = 0; start < order.length; start += batchSize) {
        if (stoppable) {
          GracefulStop.check("prediction of " + task + " stopped on request after " + start + " of "
              + order.length + " examples");
        }
        predictBatch(manager, store, head, kind, probabilities, encodings, order, start, out);
      }
    } finally {
      // A standalone pass returns what its batches freed (NativeMemory); a dev evaluation inside training does
      // not, since the next training step would only fault that memory back in.
      if (stoppable) {
        NativeMemory.releaseFreed();
      }
    }
    checkFinite(task, examples, out);
    return out;
  }

  /**
   * Refuses outputs that are not finite: a NaN never wins an arg-max, so it would silently become label 0 in
   * scores and submission files. Training cannot save such weights (it stops on a non-finite loss), but a damaged
   * or foreign checkpoint can hold them.
   */
  private static void checkFinite(String task, List<Example> examples, float[][] out) {
    for (int i = 0; i < out.length; i++) {
      for (float v : out[i]) {
        if (!Float.isFinite(v)) {
          throw new IllegalStateException(String.format("the model's output for %s example %s (id %s) is %s:"
              + " its weights or inputs are not finite numbers; no prediction is made from it", task, i,
              examples.get(i).id(), v));
        }
      }
    }
  }

  private void predictBatch(NDManager manager, ParameterStore store, int head, TaskKind kind,
      boolean probabilities, List<EncodedPair> encodings, Integer[] order, int start, float[][] out) {
    int end = Math.min(order.length, start + batchSize);
    List<EncodedPair> batch = new ArrayList<>(end - start);
    for (int i = start; i < end; i++) {
      batch.add(encodings.get(order[i]));
    }
    try (NDManager step = manager.newSubManager()) {
      NDList inputs = PaddedBatch.inputs(step, batch, tokenizer.padId(), model.encoder().config());
      NDArray result = model.forward(store, inputs, false).get(head);
      if (probabilities && kind instanceof TaskKind.Classification) {
        result = result.softmax(1);
      }
      int k = kind.outputSize();
      float[] flat = result.toFloatArray();
      for (int i = start; i < end; i++) {
        float[] row = new float[k];
        System.arraycopy(flat, (i - start) * k, row, 0, k);
        out[order[i]] = row;
      }
    }
  }
}
