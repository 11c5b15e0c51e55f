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
    wordEmbeddings = addChildBlock("word_embeddings", new EmbeddingTable(config.vocabSize(), h));
    positionEmbeddings =
        addChildBlock("position_embeddings", new EmbeddingTable(config.maxPositionEmbeddings(), h));
    tokenTypeEmbeddings = addChildBlock("token_type_embeddings", new EmbeddingTable(config.typeVocabSize(), h));
    layerNorm = addChildBlock("LayerNorm", new BertLayerNorm(h, config.layerNormEps()));
    dropout = config.hiddenDropoutProb();
    maxPositions = config.maxPositionEmbeddings();
  }

  /** Inputs: token ids [B, S], token type ids [B, S]. Output: embeddings [B, S, H]. */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.get(0);
    NDArray typeIds = inputs.get(1);
    long seqLength = ids.getShape().get(1);
    checkArgument(seqLength <= maxPositions,
        "sequence length %s exceeds max_position_embeddings %s", seqLength, maxPositions);
    NDArray positions = ids.getManager().arange(0, (int) seqLength, 1, DataType.INT64).expandDims(0);
    NDArray x = wordEmbeddings.apply(store, ids, training)
        .add(positionEmbeddings.apply(store, positions, training))
        .add(tokenTypeEmbeddings.apply(store, typeIds, training));
    x = layerNorm.apply(store, x, training);
    return new NDList(BertDropout.apply(x, dropout, training));
  }
}
