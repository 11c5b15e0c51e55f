package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One DistilBERT transformer layer (HuggingFace {@code transformer.layer.i}, its {@code TransformerBlock}): the
 * arithmetic of a BERT layer under DistilBERT's names. Self-attention with its output projection
 * ({@code attention.q_lin … out_lin}; no dropout after {@code out_lin}, unlike BERT), the residual and
 * {@code sa_layer_norm}; the feed-forward ({@code ffn.lin1}, {@code ffn.lin2}, dropout), the residual and
 * {@code output_layer_norm}.
 */
public final class DistilBertLayer extends BertModule {

  private final Attention attention;
  private final BertLayerNorm saLayerNorm;
  private final Ffn ffn;
  private final BertLayerNorm outputLayerNorm;

  /** A layer of {@code config}'s sizes, activation and dropout, its parameters not yet initialised. */
  public DistilBertLayer(BertConfig config) {
    int h = config.hiddenSize();
    attention = addChildBlock("attention", new Attention(config));
    saLayerNorm = addChildBlock("sa_layer_norm", new BertLayerNorm(h, config.layerNormEps()));
    ffn = addChildBlock("ffn", new Ffn(config));
    outputLayerNorm = addChildBlock("output_layer_norm", new BertLayerNorm(h, config.layerNormEps()));
  }

  /** Inputs and output as {@link BertLayer}'s: hidden states (padded or packed), mask bias, packing arrays. */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray attended = saLayerNorm.apply(store,
        attention.forward(store, inputs, training).singletonOrThrow().add(x), training);
    NDArray fed = ffn.forward(store, new NDList(attended), training).singletonOrThrow();
    return new NDList(outputLayerNorm.apply(store, fed.add(attended), training));
  }

  /** HuggingFace {@code MultiHeadSelfAttention}: {@code q_lin}, {@code k_lin}, {@code v_lin}, {@code out_lin}. */
  static final class Attention extends BertModule {
    private final Dense qLin;
    private final Dense kLin;
    private final Dense vLin;
    private final Dense outLin;
    private final ScaledDotProductAttention attention;

    Attention(BertConfig config) {
      int h = config.hiddenSize();
      qLin = addChildBlock("q_lin", new Dense(h, h));
      kLin = addChildBlock("k_lin", new Dense(h, h));
      vLin = addChildBlock("v_lin", new Dense(h, h));
      outLin = addChildBlock("out_lin", new Dense(h, h));
      attention = new ScaledDotProductAttention(config);
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray context = attention.attend(store, inputs, qLin, kLin, vLin, training);
      return new NDList(outLin.apply(store, context, training));
    }
  }

  /** HuggingFace {@code FFN}: {@code lin1}, the activation, {@code lin2}, dropout. */
  static final class Ffn extends BertModule {
    private final Dense lin1;
    private final Dense lin2;
    private final String activation;
    private final float dropout;

    Ffn(BertConfig config) {
      lin1 = addChildBlock("lin1", new Dense(config.hiddenSize(), config.intermediateSize()));
      lin2 = addChildBlock("lin2", new Dense(config.intermediateSize(), config.hiddenSize()));
      activation = config.hiddenAct();
      dropout = config.hiddenDropoutProb();
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray inner = Activations.apply(activation, lin1.apply(store, inputs.singletonOrThrow(), training));
      return new NDList(BertDropout.apply(lin2.apply(store, inner, training), dropout, training));
    }
  }
}
