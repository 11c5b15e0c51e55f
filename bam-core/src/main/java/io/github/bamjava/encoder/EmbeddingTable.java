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

  private final Parameter weight;
  private final int rows;

  public EmbeddingTable(int rows, int dim) {
    this.rows = rows;
    weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(rows, dim), WEIGHT_INIT);
  }

  /** Looks up the vectors of integer ids; ids outside [0, rows) are an error naming the bad id. */
  public NDArray apply(ParameterStore store, NDArray ids, boolean training) {
    if (ids.size() > 0) {
      long max = ids.max().getLong();
      long min = ids.min().getLong();
      checkArgument(min >= 0 && max < rows, "id out of range [0, %s): found ids in [%s, %s]", rows, min, max);
    }
    return Embedding.embedding(ids, store.getValue(weight, ids.getDevice(), training), SparseFormat.DENSE)
        .singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(store, inputs.singletonOrThrow(), training));
  }
}
