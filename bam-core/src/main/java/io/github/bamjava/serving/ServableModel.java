package io.github.bamjava.serving;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.bamjava.model.MultiTaskModel;
import io.github.bamjava.task.Inputs;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.text.PairTokenizer;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded multi-task model as the {@link ai.djl.nn.Block} of a DJL {@link ai.djl.Model}: the network with its
 * weights, plus what a translator needs to feed it (the tokenizer, and each task's kind and inputs).
 *
 * <p>One instance is the one copy of the weights that every predictor of the model reads, whatever its task: the
 * network computes every head on each batch (heads are tiny next to the encoder) and a task's translator keeps
 * its head's output. A DJL {@code BlockFactory} makes it when {@code Criteria} loads a saved model folder.
 */
public final class ServableModel extends AbstractBlock {

  /**
   * What a translator needs to know of one task.
   *
   * @param kind its label names or regression range
   * @param inputs whether it reads single sentences, pairs or either
   */
  public record ServedTask(TaskKind kind, Inputs inputs) {
    /** Checks that both are set. */
    public ServedTask {
      requireNonNull(kind, "kind");
      requireNonNull(inputs, "inputs");
    }
  }

  private final MultiTaskModel network;
  private final PairTokenizer tokenizer;
  private final Map<String, ServedTask> tasks;

  /**
   * @param network the initialised network with its weights; its head order is {@link #tasks()}'s
   * @param tokenizer the tokenizer the network was trained with; it stays open as long as this block is used
   * @param tasks one entry per head of {@code network}
   */
  public ServableModel(MultiTaskModel network, PairTokenizer tokenizer, Map<String, ServedTask> tasks) {
    this.network = addChildBlock("network", requireNonNull(network, "network"));
    this.tokenizer = requireNonNull(tokenizer, "tokenizer");
    checkArgument(tasks.keySet().equals(new HashSet<>(network.taskNames())),
        "tasks %s do not match the network's heads %s", tasks.keySet(), network.taskNames());
    Map<String, ServedTask> ordered = new LinkedHashMap<>();
    network.taskNames().forEach(name -> ordered.put(name, tasks.get(name)));
    this.tasks = Collections.unmodifiableMap(ordered);
  }

  /** The network whose weights every predictor of the model reads. */
  public MultiTaskModel network() {
    return network;
  }

  /** The tokenizer the network was trained with; thread-safe, shared by every translator of the model. */
  public PairTokenizer tokenizer() {
    return tokenizer;
  }

  /** The task names, in head order (the order of this block's outputs). */
  public List<String> tasks() {
    return network.taskNames();
  }

  /**
   * One task's kind and inputs.
   *
   * @throws IllegalArgumentException naming the model's tasks when it has no task {@code name}
   */
  public ServedTask task(String name) {
    ServedTask task = tasks.get(name);
    checkArgument(task != null, "the model has no task '%s'; its tasks are %s", name, tasks());
    return task;
  }

  /** Inputs: (ids, types, mask), INT64 [B, S]. Outputs: one array per head, in {@link #tasks()} order. */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return network.forward(store, inputs, training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return network.getOutputShapes(inputShapes);
  }

  /** Nothing to do: the network arrives initialised, with its trained weights. */
  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {}
}
