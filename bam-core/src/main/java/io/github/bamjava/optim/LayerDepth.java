package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.github.bamjava.encoder.CheckpointLayout;
import java.util.Collection;

/**
 * The depth of each parameter of a BERT-family model with task heads, counted from the input: embeddings 0
 * (ELECTRA's {@code embeddings_project} with them), layer {@code i} at {@code i + 1}, the pooler at
 * {@code L + 1} and everything else (the task heads) at the top, {@code L + 2}.
 *
 * <p>Layer-wise learning rates scale each parameter's rate by {@code α^(top − depth)}: the further a parameter is
 * from the output, the more general (and the more pre-trained) its features, so the less it should move. Depths
 * are read from HuggingFace-style parameter names ({@code embeddings.word_embeddings.weight},
 * {@code encoder.layer.3.attention.self.query.bias}, {@code pooler.dense.weight}, {@code heads.mnli.weight}).
 * A name under {@code encoder.} that is not {@code encoder.layer.<i>.…} is an error rather than silently a head:
 * a misnamed encoder weight would otherwise train at the top rate. The names are those of {@link
 * CheckpointLayout}, with or without the task model's prefix ({@code bert.}, {@code roberta.}, ...); DistilBERT's
 * layers are {@code transformer.layer.<i>.…}.
 */
public final class LayerDepth {

  private final int numLayers;

  /**
   * @param numLayers the number of transformer layers {@code L} (12 for BERT-Base, 6 for MiniLM-L6)
   */
  public LayerDepth(int numLayers) {
    checkArgument(numLayers >= 1, "numLayers must be >= 1, got %s", numLayers);
    this.numLayers = numLayers;
  }

  /**
   * The number of layers implied by a model's parameter names: one more than the largest {@code i} in
   * {@code encoder.layer.<i>.…}.
   *
   * @throws IllegalArgumentException when no name is an encoder layer parameter
   */
  public static LayerDepth inferredFrom(Collection<String> parameterNames) {
    int maxIndex = -1;
    for (String name : parameterNames) {
      if (isLayer(name)) {
        maxIndex = Math.max(maxIndex, CheckpointLayout.layerIndex(name));
      }
    }
    checkArgument(maxIndex >= 0,
        "cannot infer the number of layers: no parameter is named encoder.layer.<i>.…, so give it explicitly;"
            + " got %s", parameterNames);
    return new LayerDepth(maxIndex + 1);
  }

  /** The number of transformer layers. */
  public int numLayers() {
    return numLayers;
  }

  /** The depth of the task heads, {@code L + 2}: the top, where the layer-wise factor is 1. */
  public int topDepth() {
    return numLayers + 2;
  }

  /**
   * The depth of a parameter.
   *
   * @throws IllegalArgumentException for a name under {@code encoder.} that is not a layer parameter, or a layer
   *     index {@code >= L}
   */
  public int depth(String parameterName) {
    requireNonNull(parameterName, "parameterName");
    switch (CheckpointLayout.part(parameterName)) {
      case EMBEDDINGS:
        return 0;
      case LAYER:
        int index = CheckpointLayout.layerIndex(parameterName);
        // Messages name the parameter as the caller wrote it, prefix included.
        checkArgument(index < numLayers, "parameter %s is in layer %s but the model has %s layers",
            parameterName, index, numLayers);
        return index + 1;
      case POOLER:
        return numLayers + 1;
      default:
        return topDepth();
    }
  }

  /** How many depths below the top a parameter sits: the exponent of the layer-wise decay. */
  public int distanceFromTop(String parameterName) {
    return topDepth() - depth(parameterName);
  }

  /** Whether a name is a layer parameter; names that {@link #depth} refuses are not, here. */
  private static boolean isLayer(String name) {
    try {
      return CheckpointLayout.part(name) == CheckpointLayout.Part.LAYER;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "LayerDepth[numLayers=" + numLayers + "]";
  }
}
