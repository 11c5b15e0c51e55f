package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A BERT-family encoder ({@link Architecture}) as DJL blocks, with HuggingFace's module tree and parameter names
 * ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.0.attention.self.query.weight},
 * {@code pooler.dense.weight}, ...) so that checkpoints map one to one: {@code embeddings}, ELECTRA's
 * {@code embeddings_project} where its embeddings are narrower than its layers, the layers ({@code encoder} of
 * {@link BertLayer}s, or DistilBERT's {@code transformer} of {@link DistilBertLayer}s), and the {@code pooler}
 * (added for the architectures that have none; see {@link Architecture}).
 *
 * <p>Inputs: token ids [B, S], token type ids [B, S] and attention mask [B, S] (1 for tokens, 0 for padding),
 * all INT64 or INT32, any S up to {@code max_position_embeddings}; or the five arrays of {@link EncoderInputs},
 * which checks the ids and packs the tokens on the host so that the forward pass reads nothing back. Outputs:
 * the last hidden states [B, S, H] and the pooled [CLS] vector [B, H] (dense + tanh on the first token).
 */
public final class BertEncoder extends BertModule {

  /** Added to attention scores of padding positions; exp of it is 0 in float32, as in the original BERT. */
  static final float MASK_BIAS = -10000f;

  private final BertConfig config;
  private final BertEmbeddings embeddings;
  private final @Nullable Dense embeddingsProject;
  private final LayerStack encoder;
  private final Pooler pooler;

  /** An encoder of {@code config}'s shape, its parameters not yet initialised or loaded. */
  public BertEncoder(BertConfig config) {
    this.config = requireNonNull(config, "config");
    embeddings = addChildBlock("embeddings", new BertEmbeddings(config));
    embeddingsProject = config.embeddingSize() == config.hiddenSize() ? null
        : addChildBlock("embeddings_project", new Dense(config.embeddingSize(), config.hiddenSize()));
    encoder = addChildBlock(CheckpointLayout.layersOf(config.architecture()), new LayerStack(config));
    pooler = addChildBlock("pooler", new Pooler(config));
  }

  /** The configuration this encoder was built from. */
  public BertConfig config() {
    return config;
  }

  /** Parameters by their HuggingFace names, in checkpoint order. */
  public Map<String, Parameter> namedParameters() {
    return ParameterNames.of(this);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    checkArgument(inputs.size() == 3 || inputs.size() >= 5, "BertEncoder expects (input ids, token type ids,"
        + " attention mask), or those and a token packing from EncoderInputs, got %s arrays", inputs.size());
    NDArray ids = inputs.get(0);
    NDArray mask = inputs.get(2);
    checkArgument(ids.getShape().dimension() == 2, "input ids must be [batch, seq], got %s", ids.getShape());
    checkArgument(inputs.get(1).getShape().equals(ids.getShape()) && mask.getShape().equals(ids.getShape()),
        "input ids %s, token type ids %s and attention mask %s must have the same shape",
        ids.getShape(), inputs.get(1).getShape(), mask.getShape());
    // EncoderInputs checked the ids and packed the tokens on the host; three arrays alone are checked and packed
    // here, which reads values back from the device.
    boolean prepared = inputs.size() >= 5;
    NDArray hidden = embeddings.embed(store, ids, inputs.get(1), training, !prepared);
    if (embeddingsProject != null) {
      // FP32 into the layers, as from every other embeddings: under mixed precision the projection is FP16.
      hidden = Precision.cast(embeddingsProject.apply(store, hidden, training), DataType.FLOAT32);
    }
    NDArray maskBias = mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(MASK_BIAS)
        .reshape(ids.getShape().get(0), 1, 1, ids.getShape().get(1));
    TokenPacking packing = prepared
        ? TokenPacking.prepared(inputs.get(3), inputs.get(4), ids.getShape().get(0), ids.getShape().get(1))
        : TokenPacking.of(mask);
    NDList layerInputs = new NDList(hidden, maskBias);
    if (packing != null) {
      // Attention groups, if EncoderInputs planned any, follow the packing (they need it).
      layerInputs = new NDList(packing.pack(hidden), maskBias).addAll(packing.arrays());
      if (prepared) {
        layerInputs.addAll(inputs.subNDList(5));
      }
    }
    hidden = encoder.forward(store, layerInputs, training).singletonOrThrow();
    if (packing != null) {
      hidden = packing.unpack(hidden);
    }
    NDArray pooled = pooler.forward(store, new NDList(hidden), training).singletonOrThrow();
    return new NDList(hidden, pooled);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape ids = inputShapes[0];
    return new Shape[] {
      new Shape(ids.get(0), ids.get(1), config.hiddenSize()), new Shape(ids.get(0), config.hiddenSize())
    };
  }

  /**
   * HuggingFace {@code encoder} (DistilBERT: {@code transformer}): the layers, named {@code layer.0 ...
   * layer.(L-1)}.
   */
  static final class LayerStack extends BertModule {
    private final List<Block> layers = new ArrayList<>();

    LayerStack(BertConfig config) {
      for (int i = 0; i < config.numHiddenLayers(); i++) {
        layers.add(addChildBlock("layer." + i, config.architecture() == Architecture.DISTILBERT
            ? new DistilBertLayer(config) : new BertLayer(config)));
      }
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray hidden = inputs.get(0);
      for (Block layer : layers) {
        // The mask bias and, for a packed batch, the packing and attention groups go to every layer unchanged.
        NDList layerInputs = new NDList(hidden);
        layerInputs.addAll(inputs.subNDList(1));
        // Each layer's intermediates (attention scores, feed-forward activations) are let go as soon as its
        // output exists rather than when the batch ends. In inference that frees them: for 128 inputs of 128
        // tokens that was several GB held at once (docs/benchmarks.md). In training, autograd holds its own
        // reference to what the backward pass needs (softmax outputs, dropout masks, the inputs of products), so
        // only the rest is freed: the raw scores, the products before dropout and residual, about a quarter of
        // a step's activations. An array computed by an operation belongs to the manager of one of its operands
        // (a gather's: the index array), so every input, the mask bias and packing included, moves to the scope
        // for the layer and back after it.
        NDManager owner = hidden.getManager();
        try (NDManager scope = owner.newSubManager()) {
          layerInputs.forEach(input -> input.tempAttach(scope));
          NDArray output = layer.forward(store, layerInputs, training).singletonOrThrow();
          output.attach(owner);
          hidden = output;
        }
      }
      return new NDList(hidden);
    }
  }

  /**
   * HuggingFace {@code pooler}: dense + tanh on the first token ({@code [CLS]}, RoBERTa's {@code <s>}). DistilBERT
   * and ELECTRA have none in HuggingFace; theirs is this library's, named as BERT's.
   */
  static final class Pooler extends BertModule {
    private final Dense dense;

    Pooler(BertConfig config) {
      dense = addChildBlock("dense", new Dense(config.hiddenSize(), config.hiddenSize()));
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray first = inputs.singletonOrThrow().get(":, 0, :");
      return new NDList(Activation.tanh(dense.apply(store, first, training)));
    }
  }
}
