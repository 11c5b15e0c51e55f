package io.github.bamjava.encoder;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a BERT-family encoder ({@link Architecture}), with the field names and defaults of HuggingFace's
 * {@code config.json} for its {@code model_type}.
 *
 * @param vocabSize size of the vocabulary (rows of the word embeddings)
 * @param hiddenSize width of every layer
 * @param numHiddenLayers number of transformer layers
 * @param numAttentionHeads attention heads per layer; must divide hiddenSize
 * @param intermediateSize width of the feed-forward layer
 * @param maxPositionEmbeddings longest sequence the position table covers
 * @param typeVocabSize number of segment (token type) ids; 0 for DistilBERT, which has none
 * @param layerNormEps epsilon of every LayerNorm
 * @param hiddenDropoutProb dropout on embeddings and after each sub-layer
 * @param attentionProbsDropoutProb dropout on the attention probabilities
 * @param hiddenAct the feed-forward activation, one of {@link Activations#SUPPORTED}
 * @param architecture which module tree and checkpoint names the encoder has
 * @param embeddingSize width of the embeddings: {@code hiddenSize} but for ELECTRA, whose embeddings may be
 *     narrower and are then projected to {@code hiddenSize}
 * @param padTokenId the padding id; RoBERTa's position ids are counted from it
 */
public record BertConfig(
    int vocabSize,
    int hiddenSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int intermediateSize,
    int maxPositionEmbeddings,
    int typeVocabSize,
    float layerNormEps,
    float hiddenDropoutProb,
    float attentionProbsDropoutProb,
    String hiddenAct,
    Architecture architecture,
    int embeddingSize,
    int padTokenId) {

  /** BERT-Base (uncased): 12 layers, hidden 768, 12 heads. */
  public static final BertConfig BASE = of(30522, 768, 12, 12, 3072);
  /** BERT-Large (uncased): 24 layers, hidden 1024, 16 heads; the size the BAM paper used. */
  public static final BertConfig LARGE = of(30522, 1024, 24, 16, 4096);
  /** all-MiniLM-L6-v2, the embedded default: 6 layers, hidden 384, 12 heads. */
  public static final BertConfig MINILM_L6_H384 = of(30522, 384, 6, 12, 1536);

  /** Checks the sizes: positive, and the attention heads dividing the hidden size. */
  public BertConfig {
    checkArgument(vocabSize > 0, "vocab_size must be positive, got %s", vocabSize);
    checkArgument(hiddenSize > 0, "hidden_size must be positive, got %s", hiddenSize);
    checkArgument(numHiddenLayers > 0, "num_hidden_layers must be positive, got %s", numHiddenLayers);
    checkArgument(numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0,
        "num_attention_heads (%s) must divide hidden_size (%s)", numAttentionHeads, hiddenSize);
    checkArgument(intermediateSize > 0, "intermediate_size must be positive, got %s", intermediateSize);
    checkArgument(maxPositionEmbeddings > 0,
        "max_position_embeddings must be positive, got %s", maxPositionEmbeddings);
    checkArgument(architecture != null, "architecture is required");
    checkArgument(architecture.hasTokenTypes() ? typeVocabSize > 0 : typeVocabSize == 0,
        "type_vocab_size must be %s for %s, got %s", architecture.hasTokenTypes() ? "positive" : "0",
        architecture.displayName(), typeVocabSize);
    checkArgument(embeddingSize > 0, "embedding_size must be positive, got %s", embeddingSize);
    checkArgument(architecture == Architecture.ELECTRA || embeddingSize == hiddenSize,
        "embedding_size (%s) differs from hidden_size (%s), which only ELECTRA supports", embeddingSize,
        hiddenSize);
    checkArgument(padTokenId >= 0 && padTokenId < vocabSize, "pad_token_id must be in [0, vocab_size %s), got %s",
        vocabSize, padTokenId);
    checkArgument(maxPositionEmbeddings > architecture.positionOffset(padTokenId),
        "max_position_embeddings %s leaves no position after the %s rows %s reserves up to pad_token_id %s",
        maxPositionEmbeddings, architecture.positionOffset(padTokenId), architecture.displayName(), padTokenId);
    checkArgument(layerNormEps > 0, "layer_norm_eps must be positive, got %s", layerNormEps);
    checkArgument(hiddenDropoutProb >= 0 && hiddenDropoutProb < 1,
        "hidden_dropout_prob must be in [0, 1), got %s", hiddenDropoutProb);
    checkArgument(attentionProbsDropoutProb >= 0 && attentionProbsDropoutProb < 1,
        "attention_probs_dropout_prob must be in [0, 1), got %s", attentionProbsDropoutProb);
    checkArgument(Activations.SUPPORTED.contains(hiddenAct), "hidden_act '%s' is not supported; supported: %s",
        hiddenAct, String.join(", ", Activations.SUPPORTED));
    // Every tensor must fit one Java array (weights pass through the heap); checked before anything is built.
    checkFits("vocab_size", vocabSize, embeddingSize, "embeddings.word_embeddings.weight");
    checkFits("max_position_embeddings", maxPositionEmbeddings, embeddingSize,
        "embeddings.position_embeddings.weight");
    checkFits("type_vocab_size", typeVocabSize, embeddingSize, "embeddings.token_type_embeddings.weight");
    checkFits("intermediate_size", intermediateSize, hiddenSize, "each layer's feed-forward weights");
    checkFits("hidden_size", hiddenSize, hiddenSize, "each layer's attention weights");
  }

  /** A BERT config (model_type "bert"): the shape every config had before other architectures were supported. */
  public BertConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
      int intermediateSize, int maxPositionEmbeddings, int typeVocabSize, float layerNormEps,
      float hiddenDropoutProb, float attentionProbsDropoutProb, String hiddenAct) {
    this(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, maxPositionEmbeddings,
        typeVocabSize, layerNormEps, hiddenDropoutProb, attentionProbsDropoutProb, hiddenAct, Architecture.BERT,
        hiddenSize, 0);
  }

  /**
   * A config of {@code architecture} with HuggingFace's published defaults for everything but the sizes:
   * RoBERTa's 514 positions from pad id 1, one token type and LayerNorm epsilon 1e-5; DistilBERT's absent token
   * types; ELECTRA's embeddings as wide as its layers (see {@link #withEmbeddingSize}).
   */
  public static BertConfig of(Architecture architecture, int vocab, int hidden, int layers, int heads,
      int intermediate) {
    return switch (architecture) {
      case BERT -> of(vocab, hidden, layers, heads, intermediate);
      case ROBERTA -> new BertConfig(vocab, hidden, layers, heads, intermediate, 514, 1, 1e-5f, 0.1f, 0.1f,
          "gelu", architecture, hidden, 1);
      case DISTILBERT -> new BertConfig(vocab, hidden, layers, heads, intermediate, 512, 0, 1e-12f, 0.1f, 0.1f,
          "gelu", architecture, hidden, 0);
      case ELECTRA -> new BertConfig(vocab, hidden, layers, heads, intermediate, 512, 2, 1e-12f, 0.1f, 0.1f,
          "gelu", architecture, hidden, 0);
    };
  }

  /** The same config with embeddings {@code size} wide (ELECTRA only, where they are projected to the layers). */
  public BertConfig withEmbeddingSize(int size) {
    return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
        maxPositionEmbeddings, typeVocabSize, layerNormEps, hiddenDropoutProb, attentionProbsDropoutProb,
        hiddenAct, architecture, size, padTokenId);
  }

  /**
   * The longest input, in tokens with the special ones: the position table's rows after those RoBERTa reserves
   * (512 for roberta-base's 514 rows and pad id 1), all of them for the other architectures.
   */
  public int maxSequenceLength() {
    return maxPositionEmbeddings - architecture.positionOffset(padTokenId);
  }

  /** The largest tensor, in values, that this library handles: what one Java float array holds. */
  public static final long MAX_TENSOR_VALUES = Integer.MAX_VALUE - 8;

  private static void checkFits(String field, int rows, int hidden, String tensor) {
    long values = (long) rows * hidden;
    checkArgument(values <= MAX_TENSOR_VALUES,
        "%s %s is too large: %s × hidden_size %s = %s values in %s, more than one tensor can hold (%s)", field,
        rows, rows, hidden, values, tensor, MAX_TENSOR_VALUES);
  }

  /**
   * The shape of every encoder parameter this config describes, by HuggingFace name, without allocating
   * anything: what a checkpoint must hold before an encoder is built for it.
   */
  public Map<String, long[]> parameterShapes() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    // An encoder block that is never initialised holds no arrays, only its parameters' declared shapes.
    new BertEncoder(this).namedParameters().forEach((name, p) -> shapes.put(name, p.getShape().getShape()));
    return shapes;
  }

  /** A config with the published BERT defaults for everything but the sizes. */
  public static BertConfig of(int vocab, int hidden, int layers, int heads, int intermediate) {
    return new BertConfig(vocab, hidden, layers, heads, intermediate, 512, 2, 1e-12f, 0.1f, 0.1f, "gelu");
  }

  /** The same config with both dropout probabilities replaced. */
  public BertConfig withDropout(float probability) {
    return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
        maxPositionEmbeddings, typeVocabSize, layerNormEps, probability, probability, hiddenAct, architecture,
        embeddingSize, padTokenId);
  }

  /** The error message for an input of {@code seq} positions, more than {@link #maxSequenceLength()}. */
  String tooLong(long seq) {
    return maxSequenceLength() == maxPositionEmbeddings
        ? String.format("sequence length %s exceeds max_position_embeddings %s", seq, maxPositionEmbeddings)
        : String.format("sequence length %s exceeds the %s positions of %s (max_position_embeddings %s, of which"
            + " %s are reserved up to pad_token_id)", seq, maxSequenceLength(), architecture.displayName(),
            maxPositionEmbeddings, maxPositionEmbeddings - maxSequenceLength());
  }

  /**
   * The config fields that size an encoder parameter, with their values, for messages about a checkpoint tensor
   * that disagrees: " (vocab_size 100 × hidden_size 32 in config.json)".
   */
  public String fieldsSizing(String parameter) {
    String rows;
    if (parameter.contains("word_embeddings")) {
      rows = "vocab_size " + vocabSize;
    } else if (parameter.contains("position_embeddings")) {
      rows = "max_position_embeddings " + maxPositionEmbeddings;
    } else if (parameter.contains("token_type_embeddings")) {
      rows = "type_vocab_size " + typeVocabSize;
    } else if (parameter.matches(".*(intermediate\\.dense|lin1|\\.output\\.dense|lin2)\\..*")
        && !parameter.contains("attention.")) {
      rows = (architecture == Architecture.DISTILBERT ? "hidden_dim " : "intermediate_size ") + intermediateSize;
    } else {
      rows = null;
    }
    String width = parameter.startsWith("embeddings.") && architecture == Architecture.ELECTRA
        ? "embedding_size " + embeddingSize : (architecture == Architecture.DISTILBERT ? "dim " : "hidden_size ")
        + hiddenSize;
    return " (" + (rows == null ? width : rows + " × " + width) + " in config.json)";
  }

  /** The architecture and size in words, for logs: "RoBERTa, 12 layers, hidden 768, 12 heads". */
  public String summary() {
    return String.format("%s, %d layers, hidden %d, %d heads%s", architecture.displayName(), numHiddenLayers,
        hiddenSize, numAttentionHeads, embeddingSize == hiddenSize ? "" : ", embeddings " + embeddingSize);
  }

  /** Width of one attention head. */
  public int headSize() {
    return hiddenSize / numAttentionHeads;
  }

  /**
   * Reads a HuggingFace {@code config.json}, choosing the architecture by its {@code model_type} ("bert" when
   * absent, as in configs written before the field existed). Missing optional fields take the published defaults
   * of that architecture; a missing size field, an unsupported {@code model_type} or a malformed file is an
   * error naming the file and the field.
   */
  public static BertConfig read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "config.json not found");
    }
    JsonObject json;
    try {
      JsonElement root = JsonParser.parseString(text);
      if (!root.isJsonObject()) {
        throw new IOException(file + ": expected a JSON object at the top level, got " + abbreviate(text));
      }
      json = root.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new IOException(file + ": malformed JSON: " + e.getMessage(), e);
    }
    try {
      Architecture architecture = architectureOf(json);
      return architecture == Architecture.DISTILBERT ? readDistilBert(json) : readBertLike(json, architecture);
    } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private static Architecture architectureOf(JsonObject json) {
    if (!json.has("model_type") || json.get("model_type").isJsonNull()) {
      return Architecture.BERT;
    }
    String type = optionalString(json, "model_type", "bert");
    return Architecture.ofModelType(type).orElseThrow(() -> new IllegalArgumentException(String.format(
        "model_type '%s' is not supported; supported: %s", type, Architecture.supported())));
  }

  /** BERT, RoBERTa and ELECTRA share BERT's field names; their defaults are HuggingFace's for each. */
  private static BertConfig readBertLike(JsonObject json, Architecture architecture) {
    String positions = optionalString(json, "position_embedding_type", "absolute");
    checkArgument(positions.equals("absolute"),
        "position_embedding_type '%s' is not supported; only 'absolute' position embeddings are", positions);
    int hidden = requiredInt(json, "hidden_size");
    return new BertConfig(
        requiredInt(json, "vocab_size"),
        hidden,
        requiredInt(json, "num_hidden_layers"),
        requiredInt(json, "num_attention_heads"),
        requiredInt(json, "intermediate_size"),
        optionalInt(json, "max_position_embeddings", 512),
        optionalInt(json, "type_vocab_size", 2),
        optionalFloat(json, "layer_norm_eps", 1e-12f),
        optionalFloat(json, "hidden_dropout_prob", 0.1f),
        optionalFloat(json, "attention_probs_dropout_prob", 0.1f),
        optionalString(json, "hidden_act", "gelu"),
        architecture,
        architecture == Architecture.ELECTRA ? optionalInt(json, "embedding_size", 128) : hidden,
        optionalInt(json, "pad_token_id", architecture == Architecture.ROBERTA ? 1 : 0));
  }

  /** DistilBERT names its fields its own way ({@code dim}, {@code n_layers}, ...) and fixes LayerNorm's epsilon. */
  private static BertConfig readDistilBert(JsonObject json) {
    checkArgument(!optionalBoolean(json, "sinusoidal_pos_embds"), "sinusoidal_pos_embds is true, which is not"
        + " supported: the position table would train, where DistilBERT keeps it fixed");
    int hidden = requiredInt(json, "dim");
    return new BertConfig(
        requiredInt(json, "vocab_size"),
        hidden,
        requiredInt(json, "n_layers"),
        requiredInt(json, "n_heads"),
        requiredInt(json, "hidden_dim"),
        optionalInt(json, "max_position_embeddings", 512),
        0,
        DISTILBERT_LAYER_NORM_EPS,
        optionalFloat(json, "dropout", 0.1f),
        optionalFloat(json, "attention_dropout", 0.1f),
        optionalString(json, "activation", "gelu"),
        Architecture.DISTILBERT,
        hidden,
        optionalInt(json, "pad_token_id", 0));
  }

  /** The epsilon of every DistilBERT LayerNorm, fixed in its modeling code rather than read from the config. */
  private static final float DISTILBERT_LAYER_NORM_EPS = 1e-12f;

  /**
   * Writes this config as a HuggingFace {@code config.json} of its {@code model_type}, which {@link #read} and
   * HuggingFace both accept.
   */
  public String toJson() {
    JsonObject json = new JsonObject();
    json.addProperty("model_type", architecture.modelType());
    json.addProperty("vocab_size", vocabSize);
    if (architecture == Architecture.DISTILBERT) {
      json.addProperty("dim", hiddenSize);
      json.addProperty("n_layers", numHiddenLayers);
      json.addProperty("n_heads", numAttentionHeads);
      json.addProperty("hidden_dim", intermediateSize);
      json.addProperty("max_position_embeddings", maxPositionEmbeddings);
      json.addProperty("dropout", hiddenDropoutProb);
      json.addProperty("attention_dropout", attentionProbsDropoutProb);
      json.addProperty("activation", hiddenAct);
      json.addProperty("sinusoidal_pos_embds", false);
    } else {
      json.addProperty("hidden_size", hiddenSize);
      if (architecture == Architecture.ELECTRA) {
        json.addProperty("embedding_size", embeddingSize);
      }
      json.addProperty("num_hidden_layers", numHiddenLayers);
      json.addProperty("num_attention_heads", numAttentionHeads);
      json.addProperty("intermediate_size", intermediateSize);
      json.addProperty("max_position_embeddings", maxPositionEmbeddings);
      json.addProperty("type_vocab_size", typeVocabSize);
      json.addProperty("layer_norm_eps", layerNormEps);
      json.addProperty("hidden_dropout_prob", hiddenDropoutProb);
      json.addProperty("attention_probs_dropout_prob", attentionProbsDropoutProb);
      json.addProperty("hidden_act", hiddenAct);
    }
    if (architecture != Architecture.BERT || padTokenId != 0) {
      // BERT's usual files stay as they were before other architectures came (run keys hash saved configs).
      json.addProperty("pad_token_id", padTokenId);
    }
    Gson gson = new GsonBuilder().setPrettyPrinting().create();
    return gson.toJson(json);
  }

  private static String abbreviate(String text) {
    String t = text.strip();
    return t.isEmpty() ? "an empty file" : t.length() > 40 ? t.substring(0, 40) + "…" : t;
  }

  private static int requiredInt(JsonObject json, String field) {
    checkArgument(json.has(field) && !json.get(field).isJsonNull(), "required field '%s' is missing", field);
    return asInt(json, field);
  }

  private static int optionalInt(JsonObject json, String field, int fallback) {
    return json.has(field) && !json.get(field).isJsonNull() ? asInt(json, field) : fallback;
  }

  private static int asInt(JsonObject json, String field) {
    JsonElement e = json.get(field);
    checkArgument(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber(),
        "field '%s' must be a number, got %s", field, e);
    double value = e.getAsDouble();
    checkArgument(value == Math.rint(value), "field '%s' must be an integer, got %s", field, e);
    // A cast would silently clamp 1e12 to Integer.MAX_VALUE.
    checkArgument(value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE, "field '%s' is out of range: %s",
        field, e);
    return (int) value;
  }

  private static String optionalString(JsonObject json, String field, String fallback) {
    if (!json.has(field) || json.get(field).isJsonNull()) {
      return fallback;
    }
    JsonElement e = json.get(field);
    checkArgument(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString(), "field '%s' must be a string, got %s",
        field, e);
    return e.getAsString();
  }

  private static boolean optionalBoolean(JsonObject json, String field) {
    if (!json.has(field) || json.get(field).isJsonNull()) {
      return false;
    }
    JsonElement e = json.get(field);
    checkArgument(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean(), "field '%s' must be true or false,"
        + " got %s", field, e);
    return e.getAsBoolean();
  }

  private static float optionalFloat(JsonObject json, String field, float fallback) {
    if (!json.has(field) || json.get(field).isJsonNull()) {
      return fallback;
    }
    JsonElement e = json.get(field);
    checkArgument(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber(),
        "field '%s' must be a number, got %s", field, e);
    return e.getAsFloat();
  }
}
