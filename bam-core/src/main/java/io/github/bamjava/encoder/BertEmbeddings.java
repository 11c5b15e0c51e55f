package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * Word + position + token-type embeddings, then LayerNorm and dropout (HuggingFace {@code embeddings}). The
 * architectures differ only here, and in what the tables hold: RoBERTa counts positions from
 * {@code pad_token_id + 1} and gives padding the padding row, as its {@code create_position_ids_from_input_ids}
 * does; DistilBERT has no token-type table; ELECTRA's tables are {@code embedding_size} wide.
 */
public final class BertEmbeddings extends BertModule {

  private final EmbeddingTable wordEmbeddings;
  private final EmbeddingTable positionEmbeddings;
  private final @Nullable EmbeddingTable tokenTypeEmbeddings;
  private final BertLayerNorm layerNorm;
  private final float dropout;
  private final BertConfig config;

  /** The word, position and token-type tables and their layer norm for {@code config}, not yet initialised. */
  public BertEmbeddings(BertConfig config) {
    int e = config.embeddingSize();
    wordEmbeddings = addChildBlock("word_embeddings", new EmbeddingTable("word_embeddings", config.vocabSize(), e));
    positionEmbeddings = addChildBlock("position_embeddings",
        new EmbeddingTable("position_embeddings", config.maxPositionEmbeddings(), e));
    tokenTypeEmbeddings = config.architecture().hasTokenTypes() ? addChildBlock("token_type_embeddings",
        new EmbeddingTable("token_type_embeddings", config.typeVocabSize(), e)) : null;
    layerNorm = addChildBlock("LayerNorm", new BertLayerNorm(e, config.layerNormEps()));
    dropout = config.hiddenDropoutProb();
    this.config = config;
  }

  /** Inputs: token ids [B, S], token type ids [B, S]. Output: embeddings [B, S, E]. Checks the ids. */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(embed(store, inputs.get(0), inputs.get(1), training, true));
  }

  /**
   * The embeddings [B, S, E] of token ids and token type ids [B, S]. With {@code checkIds}, ids outside their
   * tables are an error, at the cost of reading four numbers back from the device; without, the caller has
   * checked them ({@link EncoderInputs}). An architecture without token types ignores {@code typeIds}.
   */
  NDArray embed(ParameterStore store, NDArray ids, NDArray typeIds, boolean training, boolean checkIds) {
    long seqLength = ids.getShape().get(1);
    checkArgument(seqLength <= config.maxSequenceLength(), "%s", config.tooLong(seqLength));
    NDArray words = checkIds ? wordEmbeddings.apply(store, ids, training) : wordEmbeddings.lookUp(store, ids,
        training);
    // Positions are in range by construction: S was checked above.
    NDArray x = words.add(positionEmbeddings.lookUp(store, positionIds(ids), training));
    if (tokenTypeEmbeddings != null) {
      x = x.add(checkIds ? tokenTypeEmbeddings.apply(store, typeIds, training)
          : tokenTypeEmbeddings.lookUp(store, typeIds, training));
    }
    x = layerNorm.apply(store, x, training);
    return BertDropout.apply(x, dropout, training);
  }

  /** 0 .. S−1 for every row; for RoBERTa pad+1 .. pad+n over each row's n non-padding tokens, pad elsewhere. */
  private NDArray positionIds(NDArray ids) {
    long seqLength = ids.getShape().get(1);
    if (config.architecture() != Architecture.ROBERTA) {
      return ids.getManager().arange(0, (int) seqLength, 1, DataType.INT64).expandDims(0);
    }
    NDArray real = ids.neq(config.padTokenId()).toType(DataType.INT64, false);
    return real.cumSum(1).mul(real).add(config.padTokenId());
  }
}
