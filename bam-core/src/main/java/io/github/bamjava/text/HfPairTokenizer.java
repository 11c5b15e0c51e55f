package io.github.bamjava.text;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PairTokenizer} backed by a HuggingFace {@code tokenizer.json}, run by the native HuggingFace
 * {@code tokenizers} library through DJL.
 *
 * <p>The native tokenizer only normalizes, pre-tokenizes and maps words to ids (WordPiece, or RoBERTa's
 * byte-level BPE): its own special tokens, truncation and padding (a {@code tokenizer.json} often asks for fixed
 * padding to 128) are switched off, and this class adds the special tokens and truncates with the same code as
 * {@link WordPieceTokenizer}. That keeps the implementations identical and the length limit a per-call argument.
 * The special tokens say the layout: {@code [CLS]}, {@code [SEP]} and {@code [PAD]} for BERT's (BERT,
 * DistilBERT, ELECTRA), else {@code <s>}, {@code </s>} and {@code <pad>} for RoBERTa's (see {@link BertLayout}).
 *
 * <p>Holds native memory: close it when done.
 */
public final class HfPairTokenizer implements PairTokenizer {

  private static final Set<String> SPECIAL_TOKENS =
      Set.of("[CLS]", "[SEP]", "[PAD]", "<s>", "</s>", "<pad>");

  /** Tokenizers of this class made and not yet closed, in the whole process. */
  private static final AtomicInteger OPEN = new AtomicInteger();

  private final HuggingFaceTokenizer tokenizer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final BertLayout layout;
  private final int padId;
  private final int vocabSize;
  private final String source;

  private HfPairTokenizer(
      HuggingFaceTokenizer tokenizer, BertLayout layout, int padId, int vocabSize, String source) {
    this.tokenizer = tokenizer;
    this.layout = layout;
    this.padId = padId;
    this.vocabSize = vocabSize;
    this.source = source;
    OPEN.incrementAndGet();
  }

  /**
   * How many tokenizers of this class are open in the process, each holding native memory: for an application or
   * a test that checks that tokenizers are closed (a load that fails must not leave one behind).
   */
  public static int openCount() {
    return OPEN.get();
  }

  /**
   * Loads a {@code tokenizer.json} file.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the file is not a tokenizer.json or has neither BERT's special tokens nor
   *     RoBERTa's
   */
  public static HfPairTokenizer fromFile(Path tokenizerJson) throws IOException {
    requireNonNull(tokenizerJson, "tokenizerJson");
    return fromBytes(Files.readAllBytes(tokenizerJson), tokenizerJson.toString());
  }

  /**
   * Loads a {@code tokenizer.json} from a stream (a classpath resource, say). The stream is read to its end but
   * not closed.
   *
   * @param sourceName how error messages name the stream, e.g. the resource name
   * @throws IOException if the stream cannot be read
   * @throws IllegalArgumentException if the content is not a tokenizer.json or has neither BERT's special tokens
   *     nor RoBERTa's
   */
  public static HfPairTokenizer fromStream(InputStream tokenizerJson, String sourceName) throws IOException {
    requireNonNull(tokenizerJson, "tokenizerJson");
    requireNonNull(sourceName, "sourceName");
    return fromBytes(tokenizerJson.readAllBytes(), sourceName);
  }

  private static HfPairTokenizer fromBytes(byte[] json, String source) throws IOException {
    // The native side does not expose the vocabulary, so the special ids and the vocabulary size are read from
    // the JSON directly.
    Map<String, Integer> specialIds = new HashMap<>();
    int maxId = readVocabulary(json, source, specialIds);
    BertLayout layout;
    int padId;
    if (specialIds.containsKey("[CLS]") || !specialIds.containsKey("<s>")) {
      layout = new BertLayout(requireSpecial(specialIds, "[CLS]", source), requireSpecial(specialIds, "[SEP]",
          source));
      padId = requireSpecial(specialIds, "[PAD]", source);
    } else {
      layout = BertLayout.roberta(requireSpecial(specialIds, "<s>", source), requireSpecial(specialIds, "</s>",
          source));
      padId = requireSpecial(specialIds, "<pad>", source);
    }

    Map<String, String> options = new HashMap<>();
    options.put("addSpecialTokens", "false");
    options.put("truncation", "false");
    options.put("padding", "false");
    HuggingFaceTokenizer tokenizer;
    try {
      tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the native tokenizer rejected " + source + ": " + e.getMessage(), e);
    }
    return new HfPairTokenizer(tokenizer, layout, padId, maxId + 1, source);
  }

  /** Reads model.vocab and added_tokens; fills the ids of the special tokens and returns the largest id. */
  private static int readVocabulary(byte[] json, String source, Map<String, Integer> specialIds) {
    JsonObject root;
    try {
      root = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException(source + " is not a JSON object: " + e.getMessage(), e);
    }
    JsonElement model = root.get("model");
    checkArgument(
        model != null && model.isJsonObject() && model.getAsJsonObject().has("vocab"),
        "%s has no model.vocab; is it a HuggingFace tokenizer.json?",
        source);
    JsonElement vocab = model.getAsJsonObject().get("vocab");
    int maxId = -1;
    if (vocab.isJsonObject()) {
      for (Map.Entry<String, JsonElement> entry : vocab.getAsJsonObject().entrySet()) {
        int id = entry.getValue().getAsInt();
        maxId = Math.max(maxId, id);
        recordSpecial(specialIds, entry.getKey(), id);
      }
    } else if (vocab.isJsonArray()) {
      // Unigram models list [piece, score] pairs; the id is the position.
      maxId = vocab.getAsJsonArray().size() - 1;
    }
    JsonElement added = root.get("added_tokens");
    if (added != null && added.isJsonArray()) {
      for (JsonElement token : added.getAsJsonArray()) {
        JsonObject object = token.getAsJsonObject();
        int id = object.get("id").getAsInt();
        maxId = Math.max(maxId, id);
        recordSpecial(specialIds, object.get("content").getAsString(), id);
      }
    }
    return maxId;
  }

  private static void recordSpecial(Map<String, Integer> specialIds, String token, int id) {
    if (SPECIAL_TOKENS.contains(token)) {
      specialIds.put(token, id);
    }
  }

  private static int requireSpecial(Map<String, Integer> specialIds, String token, String source) {
    Integer id = specialIds.get(token);
    checkArgument(id != null, "%s has no %s token; inputs need [CLS], [SEP] and [PAD] (BERT's layout) or <s>,"
        + " </s> and <pad> (RoBERTa's)", source, token);
    return id;
  }

  @Override
  public EncodedPair encode(String textA, @Nullable String textB, int maxLength) {
    requireNonNull(textA, "textA");
    BertLayout.checkMaxLength(maxLength);
    return layout.assemble(wordPieces(textA), textB == null ? null : wordPieces(textB), maxLength);
  }

  private int[] wordPieces(String text) {
    long[] ids = tokenizer.encode(text, false, false).getIds();
    int[] result = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      result[i] = Math.toIntExact(ids[i]);
    }
    return result;
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int padId() {
    return padId;
  }

  /** Frees the native tokenizer. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      tokenizer.close();
      OPEN.decrementAndGet();
    }
  }

  @Override
  public String toString() {
    return "HfPairTokenizer[" + source + ", vocabSize=" + vocabSize + "]";
  }
}
