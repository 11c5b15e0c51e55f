package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.bamjava.runtime.TorchEngine;

/** A lookup table of {@code rows} vectors; its parameter is HuggingFace's {@code weight} [rows, dim]. */
public final class EmbeddingTable extends BertModule {

  private final String name;
  private final Parameter weight;
  private final int rows;

  /** A table named {@code name} (its name in the checkpoint, for messages) of {@code rows} vectors of {@code dim}. */
  public EmbeddingTable(String name, int rows, int dim) {
    this.name = name;
    this.rows = rows;
    weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(rows, dim), WEIGHT_INIT);
  }

  /**
   * Looks up the vectors of integer ids; ids outside [0, rows) are an error naming the table and the bad ids.
   * The check reads two numbers back from the device: ids checked on the host go to {@link #lookUp}.
   */
  public NDArray apply(ParameterStore store, NDArray ids, boolean training) {
    if (ids.size() > 0) {
      long max = ids.max().getLong();
      long min = ids.min().getLong();
      checkArgument(min >= 0 && max < rows, "id out of range of %s [0, %s): found ids in [%s, %s]", name, rows,
          min, max);
    }
    return lookUp(store, ids, training);
  }

  /** Looks up the vectors of ids known to be in [0, rows), without checking them. */
  public NDArray lookUp(ParameterStore store, NDArray ids, boolean training) {
    NDArray table = store.getValue(weight, ids.getDevice(), training);
    return Embedding.embedding(ids, table, sparseGradient(table, ids, training) ? SparseFormat.COO
        : SparseFormat.DENSE).singletonOrThrow();
  }

  /**
   * Whether this lookup hands the table its gradient as the looked-up rows only (sparse) rather than as a whole
   * table of which those rows are the only ones not zero (dense); the table's gradient is the same either way.
   *
   * <p>Why: a dense gradient is a new array of the table's size at every step, which libtorch then adds into the
   * table's gradient. A vocabulary of 30,522 × 384 makes it 47 MB, larger than any block malloc keeps for reuse
   * (32 MiB at most), so every step maps it fresh, faults its 11,000 pages in while zeroing them and unmaps it:
   * a tenth of a MiniLM training step on a 2-core CPU. The sparse one is a few hundred rows, added into the
   * table's gradient in place.
   *
   * <p>Sparse only where it is smaller (fewer ids than the table has rows: the word embeddings, not the positions),
   * on the CPU (a GPU's allocator keeps its blocks), and once the table's gradient exists as a dense array, after
   * the first backward pass: before that, the first sparse gradient would become the table's gradient itself,
   * sparse, where the optimizer reads a dense one.
   */
  static boolean sparseGradient(NDArray table, NDArray ids, boolean training) {
    return training && ids.size() < rows(table) && Device.cpu().equals(table.getDevice())
        && TorchEngine.hasGradientTensor(table);
  }

  private static long rows(NDArray table) {
    return table.getShape().get(0);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(store, inputs.singletonOrThrow(), training));
  }
}
