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
 * The shape of a BERT encoder, with the field names and defaults of HuggingFace's {@code config.json}.
 *
 * @param vocabSize size of the WordPiece vocabulary
 * @param hiddenSize width of every layer
 * @param numHiddenLayers number of transformer layers
 * @param numAttentionHeads attention heads per layer; must divide hiddenSize
 * @param intermediateSize width of the feed-forward layer
 * @param maxPositionEmbeddings longest sequence the position table covers
 * @param typeVocabSize number of segment (token type) ids
 * @param layerNormEps epsilon of every LayerNorm
 * @param hiddenDropoutProb dropout on embeddings and after each sub-layer
 * @param attentionProbsDropoutProb dropout on the attention probabilities
 * @param hiddenAct the feed-forward activation; only "gelu" (the erf form) is supported
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
    String hiddenAct) {

  /** BERT-Base (uncased): 12 layers, hidden 768, 12 heads. */
  public static final BertConfig BASE = of(30522, 768, 12, 12, 3072);
  /** BERT-Large (uncased): 24 layers, hidden 1024, 16 heads; the size the BAM paper used. */
  public static final BertConfig LARGE = of(30522, 1024, 24, 16, 4096);
  /** all-MiniLM-L6-v2, the embedded default: 6 layers, hidden 384, 12 heads. */
  public static final BertConfig MINILM_L6_H384 = of(30522, 384, 6, 12, 1536);

  public BertConfig {
    checkArgument(vocabSize > 0, "vocab_size must be positive, got %s", vocabSize);
    checkArgument(hiddenSize > 0, "hidden_size must be positive, got %s", hiddenSize);
    checkArgument(numHiddenLayers > 0, "num_hidden_layers must be positive, got %s", numHiddenLayers);
    checkArgument(numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0,
        "num_attention_heads (%s) must divide hidden_size (%s)", numAttentionHeads, hiddenSize);
    checkArgument(intermediateSize > 0, "intermediate_size must be positive, got %s", intermediateSize);
    checkArgument(maxPositionEmbeddings > 0,
        "max_position_embeddings must be positive, got %s", maxPositionEmbeddings);
    checkArgument(typeVocabSize > 0, "type_vocab_size must be positive, got %s", typeVocabSize);
    checkArgument(layerNormEps > 0, "layer_norm_eps must be positive, got %s", layerNormEps);
    checkArgument(hiddenDropoutProb >= 0 && hiddenDropoutProb < 1,
        "hidden_dropout_prob must be in [0, 1), got %s", hiddenDropoutProb);
    checkArgument(attentionProbsDropoutProb >= 0 && attentionProbsDropoutProb < 1,
        "attention_probs_dropout_prob must be in [0, 1), got %s", attentionProbsDropoutProb);
    checkArgument("gelu".equals(hiddenAct),
        "hidden_act '%s' is not supported; BERT checkpoints use 'gelu'", hiddenAct);
    // Every tensor must fit one Java array (weights pass through the heap); checked before anything is built.
    checkFits("vocab_size", vocabSize, hiddenSize, "embeddings.word_embeddings.weight");
    checkFits("max_position_embeddings", maxPositionEmbeddings, hiddenSize,
        "embeddings.position_embeddings.weight");
    checkFits("type_vocab_size", typeVocabSize, hiddenSize, "embeddings.token_type_embeddings.weight");
    checkFits("intermediate_size", intermediateSize, hiddenSize, "encoder.layer.0.intermediate.dense.weight");
    checkFits("hidden_size", hiddenSize, hiddenSize, "encoder.layer.0.attention.self.query.weight");
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
        maxPositionEmbeddings, typeVocabSize, layerNormEps, probability, probability, hiddenAct);
  }

  /** Width of one attention head. */
  public int headSize() {
    return hiddenSize / numAttentionHeads;
  }

  /**
   * Reads a HuggingFace {@code config.json}. Missing optional fields take BERT's published defaults; a missing
   * size field or a malformed file is an error naming the file and the field.
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
      return new BertConfig(
          requiredInt(json, "vocab_size"),
          requiredInt(json, "hidden_size"),
          requiredInt(json, "num_hidden_layers"),
          requiredInt(json, "num_attention_heads"),
          requiredInt(json, "intermediate_size"),
          optionalInt(json, "max_position_embeddings", 512),
          optionalInt(json, "type_vocab_size", 2),
          optionalFloat(json, "layer_norm_eps", 1e-12f),
          optionalFloat(json, "hidden_dropout_prob", 0.1f),
          optionalFloat(json, "attention_probs_dropout_prob", 0.1f),
          json.has("hidden_act") ? json.get("hidden_act").getAsString() : "gelu");
    } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes this config as a HuggingFace {@code config.json} that {@link #read} and HF both accept. */
  public String toJson() {
    JsonObject json = new JsonObject();
    json.addProperty("model_type", "bert");
    json.addProperty("vocab_size", vocabSize);
    json.addProperty("hidden_size", hiddenSize);
    json.addProperty("num_hidden_layers", numHiddenLayers);
    json.addProperty("num_attention_heads", numAttentionHeads);
    json.addProperty("intermediate_size", intermediateSize);
    json.addProperty("max_position_embeddings", maxPositionEmbeddings);
    json.addProperty("type_vocab_size", typeVocabSize);
    json.addProperty("layer_norm_eps", layerNormEps);
    json.addProperty("hidden_dropout_prob", hiddenDropoutProb);
    json.addProperty("attention_probs_dropout_prob", attentionProbsDropoutProb);
    json.addProperty("hidden_act", hiddenAct);
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
