package io.github.bamjava.encoder;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The BERT-family encoders this library builds, chosen by the {@code model_type} of a HuggingFace
 * {@code config.json}. Each mirrors its HuggingFace modeling file; what differs between them is listed here, and
 * the names of their tensors in {@link CheckpointLayout}.
 *
 * <ul>
 *   <li>{@link #BERT}: {@code BertModel}.
 *   <li>{@link #ROBERTA}: {@code RobertaModel}, BERT's module tree with position ids counted from
 *       {@code pad_token_id + 1} and a single token type.
 *   <li>{@link #DISTILBERT}: {@code DistilBertModel}, its own names ({@code transformer.layer.<i>.…}), no token
 *       types and no pooler.
 *   <li>{@link #ELECTRA}: {@code ElectraModel} (the discriminator), BERT's layers after embeddings of width
 *       {@code embedding_size}, projected to {@code hidden_size} by {@code embeddings_project} when the two
 *       differ; no pooler.
 * </ul>
 *
 * <p>Where HuggingFace's model has no pooler, this library adds one (initialised when absent from the
 * checkpoint), so every task head works unchanged; heads that mean-pool never read it.
 */
public enum Architecture {
  /** BERT ({@code model_type} "bert"), and MiniLM and other models published in BERT's layout. */
  BERT("bert"),
  /** RoBERTa ({@code model_type} "roberta"). */
  ROBERTA("roberta"),
  /** DistilBERT ({@code model_type} "distilbert"). */
  DISTILBERT("distilbert"),
  /** The ELECTRA discriminator, or a generator read as an encoder ({@code model_type} "electra"). */
  ELECTRA("electra");

  private final String modelType;

  Architecture(String modelType) {
    this.modelType = modelType;
  }

  /** The {@code model_type} of this architecture's {@code config.json}. */
  public String modelType() {
    return modelType;
  }

  /** The architecture of a {@code model_type}, or empty for one this library does not build. */
  public static Optional<Architecture> ofModelType(String modelType) {
    return Arrays.stream(values()).filter(a -> a.modelType.equals(modelType)).findFirst();
  }

  /** The supported {@code model_type} values, for error messages: "bert, roberta, distilbert, electra". */
  public static String supported() {
    return String.join(", ", Arrays.stream(values()).map(Architecture::modelType).toList());
  }

  /** Whether inputs carry token type (segment) ids: every architecture here but DistilBERT. */
  public boolean hasTokenTypes() {
    return this != DISTILBERT;
  }

  /**
   * How far position ids are shifted: RoBERTa counts a sequence's positions from {@code pad_token_id + 1} (its
   * fairseq origin reserved the rows up to the padding index), the others from 0.
   */
  int positionOffset(int padTokenId) {
    return this == ROBERTA ? padTokenId + 1 : 0;
  }

  /** A name for logs: "RoBERTa", "DistilBERT", ... */
  public String displayName() {
    return switch (this) {
      case BERT -> "BERT";
      case ROBERTA -> "RoBERTa";
      case DISTILBERT -> "DistilBERT";
      case ELECTRA -> "ELECTRA";
    };
  }

  @Override
  public String toString() {
    return modelType.toLowerCase(Locale.ROOT);
  }
}
