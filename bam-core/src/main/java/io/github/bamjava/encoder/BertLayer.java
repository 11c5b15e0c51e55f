package io.github.bamjava.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One transformer layer (HuggingFace {@code encoder.layer.i}) of BERT, RoBERTa and ELECTRA: self-attention with
 * its output block, then the feed-forward ({@code intermediate}) with its output block.
 */
public final class BertLayer extends BertModule {

  private final Attention attention;
  private final Intermediate intermediate;
  private final BertOutput output;

  /** One transformer layer of {@code config}'s shape: self-attention, then the feed-forward block. */
  public BertLayer(BertConfig config) {
    attention = addChildBlock("attention", new Attention(config));
    intermediate = addChildBlock("intermediate", new Intermediate(config));
    output = addChildBlock("output", new BertOutput(config.intermediateSize(), config));
  }

  /**
   * Inputs: hidden [B, S, H] and mask bias [B, 1, 1, S]; or, for a batch with padding, the packed hidden
   * states of its real tokens [T, H], the mask bias and the two arrays of its {@link TokenPacking}. Output:
   * hidden states in the layout they came in.
   */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray attended = attention.forward(store, inputs, training).singletonOrThrow();
    NDArray inner = intermediate.forward(store, new NDList(attended), training).singletonOrThrow();
    return output.forward(store, new NDList(inner, attended), training);
  }

  /** HuggingFace {@code attention}: the self-attention ({@code self}) and its output block. */
  static final class Attention extends BertModule {
    private final BertSelfAttention self;
    private final BertOutput output;

    Attention(BertConfig config) {
      self = addChildBlock("self", new BertSelfAttention(config));
      output = addChildBlock("output", new BertOutput(config.hiddenSize(), config));
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray context = self.forward(store, inputs, training).singletonOrThrow();
      return output.forward(store, new NDList(context, inputs.get(0)), training);
    }
  }

  /** HuggingFace {@code intermediate}: the feed-forward expansion with the config's {@code hidden_act}. */
  static final class Intermediate extends BertModule {
    private final Dense dense;
    private final String activation;

    Intermediate(BertConfig config) {
      dense = addChildBlock("dense", new Dense(config.hiddenSize(), config.intermediateSize()));
      activation = config.hiddenAct();
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      return new NDList(Activations.apply(activation, dense.apply(store, inputs.singletonOrThrow(), training)));
    }
  }
}
