package io.github.bamjava.model;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.bamjava.encoder.BertEncoder;
import io.github.bamjava.encoder.CheckpointLayout;
import io.github.bamjava.encoder.Dense;
import io.github.bamjava.encoder.ParameterNames;
import io.github.bamjava.encoder.Precision;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One shared encoder ({@code bert.*}, or {@code roberta.*}, ... by its architecture) with one head per task
 * ({@code heads.<task>.*}), named as {@link CheckpointLayout} says.
 *
 * <p>Every head runs on every example and the loss is masked by each example's task, as in the original BAM
 * code: heads are tiny next to the encoder, and it makes batches that mix tasks trivial. The encoder's prefix
 * follows HuggingFace's task models, so the encoder part of a saved model loads as a plain BERT (RoBERTa, ...). Each
 * head reads the encoder through its {@link Pooling}; each pooling in use is computed once per batch.
 */
public final class MultiTaskModel extends AbstractBlock {

  /** Added to the real-token count before dividing, as sentence-transformers does; it only matters for 0. */
  private static final float MIN_TOKENS = 1e-9f;

  private final BertEncoder bert;
  private final HeadSet heads;
  private final List<String> taskNames;
  private final List<Pooling> poolings;
  private final String encoderPrefix;

  /** A model whose heads all read [CLS] through the pooler. */
  public MultiTaskModel(BertEncoder encoder, Map<String, TaskHead> headsByTask) {
    this(encoder, headsByTask, Map.of());
  }

  /**
   * @param headsByTask the heads, in output order
   * @param poolingByTask each task's pooling; {@link Pooling#CLS_POOLER} for a task not in it
   */
  public MultiTaskModel(BertEncoder encoder, Map<String, TaskHead> headsByTask,
      Map<String, Pooling> poolingByTask) {
    checkArgument(!headsByTask.isEmpty(), "a model needs at least one task head");
    for (String task : poolingByTask.keySet()) {
      checkArgument(headsByTask.containsKey(task), "pooling given for %s, which has no head", task);
    }
    // The children's names are the first part of every parameter's saved name (see ParameterNames).
    this.encoderPrefix = CheckpointLayout.encoderPrefix(requireNonNull(encoder, "encoder").config().architecture());
    this.bert = addChildBlock(childName(encoderPrefix), encoder);
    this.heads = addChildBlock(childName(CheckpointLayout.HEADS_PREFIX), new HeadSet(headsByTask));
    this.taskNames = List.copyOf(headsByTask.keySet());
    this.poolings = taskNames.stream().map(t -> poolingByTask.getOrDefault(t, Pooling.CLS_POOLER)).toList();
  }

  private static String childName(String prefix) {
    return prefix.substring(0, prefix.length() - 1);
  }

  /** The shared encoder. */
  public BertEncoder encoder() {
    return bert;
  }

  /** Task names in head order: the order of {@link #forward}'s outputs. */
  public List<String> taskNames() {
    return taskNames;
  }

  /** All parameters by saved-model name ({@code bert.…} or the architecture's prefix, {@code heads.<task>.…}). */
  public Map<String, Parameter> namedParameters() {
    return ParameterNames.of(this);
  }

  /**
   * The names of the parameters that mixed-precision training gives FP16 copies: those of the encoder's {@link
   * Dense} layers, which hold nearly all of its arithmetic. Embeddings, LayerNorms and the heads stay FP32 (the
   * heads read FP32 input whatever the encoder computed in, so a custom head needs no change).
   */
  public Set<String> fp16Parameters() {
    return ParameterNames.of(bert, Dense.class).keySet().stream()
        .map(name -> encoderPrefix + name)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /**
   * Initialises the heads and marks the model ready. Parameters that already hold values (the pretrained
   * encoder) keep them: DJL only initialises parameters without an array.
   */
  public void initializeHeads(NDManager manager) {
    initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1));
  }

  /** What a task's head reads from the encoder. */
  public Pooling pooling(String task) {
    int i = taskNames.indexOf(task);
    checkArgument(i >= 0, "the model has no task %s; it has %s", task, taskNames);
    return poolings.get(i);
  }

  /** Inputs: (ids, types, mask). Outputs: one array per head, in {@link #taskNames()} order. */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList encoded = bert.forward(store, inputs, training);
    Map<Pooling, NDArray> pooled = new EnumMap<>(Pooling.class);
    NDList out = new NDList(taskNames.size());
    for (int t = 0; t < taskNames.size(); t++) {
      NDArray input = pooled.computeIfAbsent(poolings.get(t), p -> pool(p, encoded, inputs.get(2)));
      out.add(heads.ordered.get(t).apply(store, input, training));
    }
    return out;
  }

  /** One vector per example: the pooled [CLS] output, or the mean hidden state of the real tokens. */
  private static NDArray pool(Pooling pooling, NDList encoded, NDArray mask) {
    if (pooling == Pooling.CLS_POOLER) {
      // Under mixed precision the pooler's product is FP16; the heads and the loss take FP32.
      return Precision.cast(encoded.get(1), DataType.FLOAT32);
    }
    NDArray weights = mask.toType(DataType.FLOAT32, false).expandDims(2);
    NDArray sum = encoded.get(0).mul(weights).sum(new int[] {1});
    return sum.div(weights.sum(new int[] {1}).add(MIN_TOKENS));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    bert.initialize(manager, dataType, inputShapes);
    heads.initialize(manager, dataType, new Shape(1, bert.config().hiddenSize()));
  }

  /** For inputs (ids, types, mask) of shape [B, S]: one shape per head, in {@link #taskNames()} order. */
  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return heads.getOutputShapes(new Shape[] {new Shape(inputShapes[0].get(0), bert.config().hiddenSize())});
  }

  /** The heads, one child per task, named by the task. */
  static final class HeadSet extends AbstractBlock {
    private final List<TaskHead> ordered = new ArrayList<>();

    HeadSet(Map<String, TaskHead> headsByTask) {
      new LinkedHashMap<>(headsByTask).forEach((task, head) -> ordered.add(addChildBlock(task, head)));
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray pooled = inputs.singletonOrThrow();
      NDList out = new NDList(ordered.size());
      for (TaskHead head : ordered) {
        out.add(head.apply(store, pooled, training));
      }
      return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
      for (Block head : children.values()) {
        head.initialize(manager, dataType, inputShapes);
      }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return ordered.stream().map(head -> head.getOutputShapes(inputShapes)[0]).toArray(Shape[]::new);
    }
  }
}
