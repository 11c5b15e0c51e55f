package io.github.bamjava.predict;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.bamjava.encoder.EncoderInputs;
import io.github.bamjava.model.MultiTaskModel;
import io.github.bamjava.runtime.GracefulStop;
import io.github.bamjava.runtime.RunStoppedException;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.sampling.PaddedBatch;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.text.EncodedPair;
import io.github.bamjava.text.PairTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Runs a model over examples without gradients, in large batches of similar length (sorted by token count, so
 * padding is small), and returns each example's output in the original order: class probabilities for
 * classification, the value on the [0, 1] scale of the label range for regression.
 *
 * <p>Batches run in a few fixed shapes: lengths rounded up to a multiple of 8, the rows a length allows, and the
 * tokens the dense layers compute rounded up to a multiple of 256. The attention mask hides the padding, so an
 * example's output is the one it has alone, unpadded, up to float rounding; and a long prediction asks malloc for
 * blocks of a few sizes, which it reuses, so that memory stays flat with malloc's fast settings ({@link
 * io.github.bamjava.runtime.MallocSettings}).
 */
public final class BatchPredictor {

  /** Examples per inference batch at most; no activations are kept for backward, so this can be large. */
  public static final int DEFAULT_BATCH_SIZE = 128;
  /**
   * Tokens per inference batch at most (examples times the batch's padded length): what bounds a
   * batch's memory, since a layer's activations grow with the tokens of the batch (about 45 KB a token for
   * MiniLM, more for wider encoders and longer inputs). 128 short inputs of up to 32 tokens still go together; 128
   * inputs of 128 tokens would hold three quarters of a gigabyte at once and go as four batches of 32 instead
   * (docs/benchmarks.md). A single example longer than this is still one batch.
   */
  public static final int DEFAULT_BATCH_TOKENS = 4096;
  /**
   * Tokens per inference batch at most where prediction may be the process's largest use of memory: a loaded
   * model's predictions ({@link BamModel#predict}, so {@code bam predict}). Half of {@link #DEFAULT_BATCH_TOKENS}
   * holds about 0.2 GB less at MiniLM's size for 3 % fewer lines a second (docs/benchmarks.md); while a model
   * trains, its training step sets the peak, so teacher predictions and dev evaluations keep the larger batches.
   */
  public static final int SERVING_BATCH_TOKENS = 2048;
  /**
   * The tokens a batch's dense layers compute are rounded up to a multiple of this (to a power of two below it),
   * padding positions making up the difference: at most one in {@code 4096 / 256} of a full batch's work.
   */
  static final int PACKED_STEP = 256;
  /**
   * Examples a streaming prediction reads, predicts and hands over together: eight batches, enough for sorting
   * by length to keep padding small, few enough that memory stays small and a stop loses seconds of work.
   */
  public static final int DEFAULT_WINDOW = 8 * DEFAULT_BATCH_SIZE;

  private final MultiTaskModel model;
  private final PairTokenizer tokenizer;
  private final int maxLength;
  private final int batchSize;
  private final int batchTokens;
  private final boolean stoppable;

  /**
   * A predictor with batches of at most {@code batchSize} examples and {@link #DEFAULT_BATCH_TOKENS} tokens, which
   * stops between batches when the process shuts down ({@link GracefulStop#requestShutdown}).
   */
  public BatchPredictor(MultiTaskModel model, PairTokenizer tokenizer, int maxLength, int batchSize) {
    this(model, tokenizer, maxLength, batchSize, DEFAULT_BATCH_TOKENS);
  }

  /**
   * A predictor with batches of at most {@code batchSize} examples and {@code batchTokens} tokens (examples times
   * the longest of the batch): the second bounds a batch's memory whatever the inputs' length.
   */
  public BatchPredictor(MultiTaskModel model, PairTokenizer tokenizer, int maxLength, int batchSize,
      int batchTokens) {
    this(model, tokenizer, maxLength, batchSize, batchTokens, true);
  }

  private BatchPredictor(MultiTaskModel model, PairTokenizer tokenizer, int maxLength, int batchSize,
      int batchTokens, boolean stoppable) {
    checkArgument(batchSize >= 1, "an inference batch holds at least one example, got %s", batchSize);
    checkArgument(batchTokens >= 1, "an inference batch holds at least one token, got %s", batchTokens);
    this.model = model;
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.batchSize = batchSize;
    this.batchTokens = batchTokens;
    this.stoppable = stoppable;
  }

  /**
   * This predictor for the dev evaluation inside a training run, which always finishes: the run stops after it,
   * with the epoch's checkpoint.
   *
   * @return a predictor with the same bounds that never stops for a shutdown request
   */
  public BatchPredictor duringTraining() {
    return new BatchPredictor(model, tokenizer, maxLength, batchSize, batchTokens, false);
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

  /**
   * The outputs of the head of {@code task} on {@code examples}, read and predicted a window at a time and handed
   * to {@code sink} in input order as soon as each window is done: memory holds one window, whatever the input's
   * size. Within a window, examples are sorted by length into batches, as for a list.
   *
   * <p>When {@code examples} throws (a malformed input its iterator refuses), the examples before it are still
   * predicted and handed over, then the exception is rethrown: nothing that was read in good order is lost. A
   * shutdown ({@link GracefulStop#requestShutdown}) between two batches throws {@link RunStoppedException} saying
   * how many outputs were handed over.
   *
   * @param manager the parent of the per-batch managers (closed after each batch)
   * @param window how many examples to read, predict and hand over together (at least 1)
   * @return how many examples were predicted
   * @throws IOException what {@code sink} throws; the prediction stops there
   */
  public long predict(NDManager manager, String task, TaskKind kind, Iterator<Example> examples, int window,
      PredictionSink sink) throws IOException {
    return stream(manager, task, kind, examples, window, sink, true);
  }

  /**
   * As {@link #predict(NDManager, String, TaskKind, Iterator, int, PredictionSink)}, with the raw outputs of
   * {@link #predictLogits(NDManager, String, TaskKind, List)}: what an exported model gives as its logits.
   */
  public long predictLogits(NDManager manager, String task, TaskKind kind, Iterator<Example> examples, int window,
      PredictionSink sink) throws IOException {
    return stream(manager, task, kind, examples, window, sink, false);
  }

  private long stream(NDManager manager, String task, TaskKind kind, Iterator<Example> examples, int window,
      PredictionSink sink, boolean probabilities) throws IOException {
    checkArgument(window >= 1, "a prediction window holds at least one example, got %s", window);
    TorchEngine.gradOffForThisThread(); // a caller's thread of its own (a server's): see TorchEngine
    int head = headIndex(task);
    ParameterStore store = new ParameterStore(manager, false);
    long done = 0;
    try (GracefulStop.Scope running = GracefulStop.enterPrediction()) {
      while (true) {
        List<Example> next = new ArrayList<>(Math.min(window, DEFAULT_WINDOW));
        RuntimeException refused = null;
        try {
          while (next.size() < window && examples.hasNext()) {
            next.add(examples.next());
          }
        } catch (RuntimeException e) {
          refused = e;
        }
        if (!next.isEmpty()) {
          long before = done;
          float[][] out = predictWindow(manager, store, task, head, kind, probabilities, next,
              batchStart -> String.format(
              "prediction of %s stopped on request after %d inputs: their outputs were handed over, input %d"
                  + " onwards was not predicted", task, before, before + 1));
          checkFinite(task, next, out, before);
          sink.accept(next, out);
          done += next.size();
        }
        if (refused != null) {
          throw refused;
        }
        if (next.size() < window) {
          return done;
        }
      }
    }
  }

  private int headIndex(String task) {
    int head = model.taskNames().indexOf(task);
    if (head < 0) {
      throw new IllegalArgumentException("the model has no head for task " + task + "; it has "
          + model.taskNames());
    }
    return head;
  }

  private float[][] run(NDManager manager, String task, TaskKind kind, List<Example> examples,
      boolean probabilities) {
    TorchEngine.gradOffForThisThread(); // a caller's thread of its own (a server's): see TorchEngine
    int head = headIndex(task);
    ParameterStore store = new ParameterStore(manager, false);
    float[][] out;
    // No malloc_trim here (NativeMemory): in a long-lived process that predicts again and again it would only
    // make the next batches fault their memory back in; the batches' memory is bounded by their tokens instead.
    try (GracefulStop.Scope running = stoppable ? GracefulStop.enterPrediction() : null) {
      out = predictWindow(manager, store, task, head, kind, probabilities, examples, start -> "prediction of "
          + task + " stopped on request after " + start + " of " + examples.size() + " examples");
    }
    checkFinite(task, examples, out, 0);
    return out;
  }

  /**
   * The outputs on {@code examples}, in their order; batches of similar length. Checks for a stop before each
   * batch when this predictor is stoppable, with the message {@code stopped} makes of the examples done so far.
   */
  private float[][] predictWindow(NDManager manager, ParameterStore store, String task, int head, TaskKind kind,
      boolean probabilities, List<Example> examples, IntFunction<String> stopped) {
    List<EncodedPair> encodings = encode(examples);
    Integer[] order = lengthOrder(encodings);
    int[] lengths = lengths(encodings, order);
    int longest = longestInput();
    float[][] out = new float[examples.size()][];
    for (int start = 0; start < order.length; ) {
      if (stoppable) {
        GracefulStop.checkPrediction(stopped.apply(start));
      }
      Batch batch = Batch.at(lengths, start, batchSize, batchTokens, longest);
      predictBatch(manager, store, head, kind, probabilities, encodings, order, batch, out);
      start = batch.end();
    }
    return out;
  }

  /** The longest input this predictor's model takes, which no batch is padded beyond. */
  private int longestInput() {
    return Math.min(maxLength, model.encoder().config().maxSequenceLength());
  }

  private List<EncodedPair> encode(List<Example> examples) {
    List<EncodedPair> encodings = new ArrayList<>(examples.size());
    for (Example e : examples) {
      encodings.add(tokenizer.encode(e.textA(), e.textB(), maxLength));
    }
    return encodings;
  }

  /** The examples' positions, shortest first; examples of one length keep their order (a stable sort). */
  private static Integer[] lengthOrder(List<EncodedPair> encodings) {
    Integer[] order = new Integer[encodings.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> encodings.get(i).length()));
    return order;
  }

  private static int[] lengths(List<EncodedPair> encodings, Integer[] order) {
    int[] lengths = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      lengths[i] = encodings.get(order[i]).length();
    }
    return lengths;
  }

  /**
   * Splits {@code examples} into {@code shards} parts that this predictor predicts, each on its own, exactly as it
   * predicts them all together, bit for bit: the batches of the whole list (by length, as {@link #predict} makes
   * them) are dealt out in their order, each to the shard where its first example's position falls, so every
   * shard holds whole batches and about {@code examples.size() / shards} examples (a shard may be empty when the
   * batches are few). A shard's examples, in their input order, sort into the same batches again: a shard starts
   * where a batch starts, and the sort keeps the input order among examples of one length.
   *
   * @return for each shard, the positions of its examples in {@code examples}, ascending
   */
  public List<int[]> shards(List<Example> examples, int shards) {
    checkArgument(shards >= 1, "at least one shard, got %s", shards);
    List<EncodedPair> encodings = encode(examples);
    Integer[] order = lengthOrder(encodings);
    int[] lengths = lengths(encodings, order);
    int longest = longestInput();
    List<List<Integer>> members = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      members.add(new ArrayList<>());
    }
    for (int start = 0; start < order.length; ) {
      int end = Batch.at(lengths, start, batchSize, batchTokens, longest).end();
      int shard = (int) Math.min(shards - 1, (long) start * shards / order.length);
      for (int i = start; i < end; i++) {
        members.get(shard).add(order[i]);
      }
      start = end;
    }
    List<int[]> out = new ArrayList<>(shards);
    for (List<Integer> m : members) {
      out.add(m.stream().mapToInt(Integer::intValue).sorted().toArray());
    }
    return out;
  }

  /**
   * One batch of length-sorted examples and the shape it is run in: examples {@code start} to {@code end}
   * (exclusive), padded to {@code rows} rows (placeholder rows after the examples) of {@code length} positions,
   * of which {@code packedTokens} are computed by the per-token parts of the layers.
   *
   * <p>Why fixed shapes: every batch allocates its activations afresh, and with glibc's malloc ever new sizes
   * leave holes in its heaps that keep a long prediction's memory growing; a few sizes are reused exactly. The
   * shapes are few because a length is rounded ({@link EncoderInputs#roundedLength}), a full batch has the rows its
   * length allows, a short one (the last of a window or of a length) a power of two of them, and the packed tokens
   * are a multiple of {@link #PACKED_STEP}. A placeholder row is one token, so it costs the dense layers almost
   * nothing.
   */
  record Batch(int start, int end, int rows, int length, int packedTokens) {

    /**
     * The batch that starts at {@code start}: as many examples as fit in {@code batchSize} rows and, padded to
     * their longest rounded up, in {@code batchTokens} tokens; at least one.
     *
     * @param sortedLengths the examples' lengths in tokens, shortest first (so a batch's last is its longest)
     * @param longest the longest input allowed, which no padded length exceeds (unless an input does)
     */
    static Batch at(int[] sortedLengths, int start, int batchSize, int batchTokens, int longest) {
      int end = start + 1;
      while (end < sortedLengths.length && end - start + 1
          <= rowsFor(EncoderInputs.roundedLength(sortedLengths[end], longest), batchSize, batchTokens)) {
        end++;
      }
      int length = EncoderInputs.roundedLength(sortedLengths[end - 1], longest);
      int full = rowsFor(length, batchSize, batchTokens);
      int examples = end - start;
      int rows = examples == full ? full : Math.min(full, ceilingPowerOfTwo(examples));
      int tokens = rows - examples;
      for (int i = start; i < end; i++) {
        tokens += sortedLengths[i];
      }
      return new Batch(start, end, rows, length, PaddedBatch.roundedTokens(tokens, PACKED_STEP, rows * length));
    }

    /** The rows of a full batch of this padded length: within both caps, at least one. */
    static int rowsFor(int length, int batchSize, int batchTokens) {
      return Math.max(1, Math.min(batchSize, batchTokens / length));
    }

    private static int ceilingPowerOfTwo(int n) {
      return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }
  }

  /**
   * Refuses outputs that are not finite: a NaN never wins an arg-max, so it would silently become label 0 in
   * scores and submission files. Training cannot save such weights (it stops on a non-finite loss), but a damaged
   * or foreign checkpoint can hold them.
   *
   * @param offset the number of examples before {@code examples} in the input, for the message
   */
  private static void checkFinite(String task, List<Example> examples, float[][] out, long offset) {
    for (int i = 0; i < out.length; i++) {
      for (float v : out[i]) {
        if (!Float.isFinite(v)) {
          throw new IllegalStateException(String.format("the model's output for %s example %s (id %s) is %s:"
              + " its weights or inputs are not finite numbers; no prediction is made from it", task, offset + i,
              examples.get(i).id(), v));
        }
      }
    }
  }

  private void predictBatch(NDManager manager, ParameterStore store, int head, TaskKind kind,
      boolean probabilities, List<EncodedPair> encodings, Integer[] order, Batch shape, float[][] out) {
    List<EncodedPair> batch = new ArrayList<>(shape.end() - shape.start());
    for (int i = shape.start(); i < shape.end(); i++) {
      batch.add(encodings.get(order[i]));
    }
    try (NDManager step = manager.newSubManager()) {
      NDList inputs = PaddedBatch.inputs(step, batch, tokenizer.padId(), model.encoder().config(), shape.rows(),
          shape.length(), shape.packedTokens());
      NDArray result = model.forward(store, inputs, false).get(head);
      if (probabilities && kind instanceof TaskKind.Classification) {
        result = result.softmax(1);
      }
      int k = kind.outputSize();
      // The placeholder rows' outputs, after the examples', are left unread.
      float[] flat = result.toFloatArray();
      for (int i = shape.start(); i < shape.end(); i++) {
        float[] row = new float[k];
        System.arraycopy(flat, (i - shape.start()) * k, row, 0, k);
        out[order[i]] = row;
      }
    }
  }
}
