package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Word + position + token-type embeddings, then LayerNorm and dropout (HuggingFace {@code embeddings}). */
public final class BertEmbeddings extends BertModule {

  private final EmbeddingTable wordEmbeddings;
  private final EmbeddingTable positionEmbeddings;
  private final EmbeddingTable tokenTypeEmbeddings;
  private final BertLayerNorm layerNorm;
  private final float dropout;
  private final int maxPositions;

  public BertEmbeddings(BertConfig config) {
    int h = config.hiddenSize();
    wordEmbeddings = addChildBlock("word_embeddings", new EmbeddingTable("word_embeddings", config.vocabSize(), h));
    positionEmbeddings =
        addChildBlock("position_embeddings", new EmbeddingTable("position_embeddings", config.maxPositionEmbeddings(), h));
    tokenTypeEmbeddings = addChildBlock("token_type_embeddings",
        new EmbeddingTable("token_type_embeddings", config.typeVocabSize(), h));
    layerNorm = addChildBlock("LayerNorm", new BertLayerNorm(h, config.layerNormEps()));
    dropout = config.hiddenDropoutProb();
    maxPositions = config.maxPositionEmbeddings();
  }

  /** Inputs: token ids [B, S], token type ids [B, S]. Output: embeddings [B, S, H]. Checks the ids. */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(embed(store, inputs.get(0), inputs.get(1), training, true));
  }

  /**
   * The embeddings [B, S, H] of token ids and token type ids [B, S]. With {@code checkIds}, ids outside their
   * tables are an error, at the cost of reading four numbers back from the device; without, the caller has
   * checked them ({@link EncoderInputs}).
   */
  NDArray embed(ParameterStore store, NDArray ids, NDArray typeIds, boolean training, boolean checkIds) {
    long seqLength = ids.getShape().get(1);
    checkArgument(seqLength <= maxPositions,
        "sequence length %s exceeds max_position_embeddings %s", seqLength, maxPositions);
    NDArray positions = ids.getManager().arange(0, (int) seqLength, 1, DataType.INT64).expandDims(0);
    NDArray words = checkIds ? wordEmbeddings.apply(store, ids, training) : wordEmbeddings.lookUp(store, ids,
        training);
    NDArray types = checkIds ? tokenTypeEmbeddings.apply(store, typeIds, training)
        : tokenTypeEmbeddings.lookUp(store, typeIds, training);
    // Positions are 0 .. S−1 and S was checked above: in range by construction.
    NDArray x = words.add(positionEmbeddings.lookUp(store, positions, training)).add(types);
    x = layerNorm.apply(store, x, training);
    return BertDropout.apply(x, dropout, training);
  }
}
