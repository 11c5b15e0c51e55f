package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

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
    return Embedding.embedding(ids, store.getValue(weight, ids.getDevice(), training), SparseFormat.DENSE)
        .singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(store, inputs.singletonOrThrow(), training));
  }
}
