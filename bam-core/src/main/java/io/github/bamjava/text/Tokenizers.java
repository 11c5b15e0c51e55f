package io.github.bamjava.text;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds the tokenizer of a HuggingFace checkpoint directory. */
public final class Tokenizers {
  private Tokenizers() {}

  /** The HuggingFace fast-tokenizer file, preferred when present. */
  public static final String TOKENIZER_JSON = "tokenizer.json";

  /** The bare BERT vocabulary, one token per line, used when there is no tokenizer.json. */
  public static final String VOCAB_TXT = "vocab.txt";

  /** Where {@code do_lower_case} is read from for a vocab.txt. */
  public static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";

  /**
   * The tokenizer of a checkpoint directory: {@code tokenizer.json} when present (the exact tokenizer the
   * checkpoint was published with), else {@code vocab.txt} read by {@link WordPieceTokenizer}, lower-casing as
   * {@code do_lower_case} in {@code tokenizer_config.json} says (true when the file or the key is absent, the
   * default of HuggingFace's BertTokenizer).
   *
   * <p>Close the result: it may hold native memory.
   *
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if {@code dir} is not a directory or holds neither file
   */
  public static PairTokenizer fromDirectory(Path dir) throws IOException {
    Path file = fileIn(dir);
    if (file.getFileName().toString().equals(TOKENIZER_JSON)) {
      return HfPairTokenizer.fromFile(file);
    }
    return WordPieceTokenizer.fromVocabFile(file, doLowerCase(dir.resolve(TOKENIZER_CONFIG_JSON)));
  }

  /**
   * The file {@link #fromDirectory} reads the vocabulary from: {@code tokenizer.json} when present, else
   * {@code vocab.txt}.
   *
   * @throws IllegalArgumentException if {@code dir} is not a directory or holds neither file
   */
  public static Path fileIn(Path dir) {
    requireNonNull(dir, "dir");
    checkArgument(Files.isDirectory(dir), "not a directory: %s", dir);
    for (String name : List.of(TOKENIZER_JSON, VOCAB_TXT)) {
      if (Files.isRegularFile(dir.resolve(name))) {
        return dir.resolve(name);
      }
    }
    if (Files.isRegularFile(dir.resolve("vocab.json")) && Files.isRegularFile(dir.resolve("merges.txt"))) {
      // RoBERTa's slow-tokenizer files: HuggingFace builds tokenizer.json from them in Python.
      throw new IllegalArgumentException("no " + TOKENIZER_JSON + " in " + dir + ": it holds vocab.json and"
          + " merges.txt (a byte-level BPE tokenizer), which this library reads only as " + TOKENIZER_JSON + ";"
          + " write it once with transformers: AutoTokenizer.from_pretrained(dir).save_pretrained(dir)");
    }
    throw new IllegalArgumentException(
        "no tokenizer in " + dir + ": looked for " + TOKENIZER_JSON + " and " + VOCAB_TXT);
  }

  private static boolean doLowerCase(Path config) throws IOException {
    if (!Files.isRegularFile(config)) {
      return true;
    }
    JsonElement root;
    try {
      root = JsonParser.parseString(Files.readString(config, StandardCharsets.UTF_8));
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(config + " is not valid JSON: " + e.getMessage(), e);
    }
    checkArgument(root.isJsonObject(), "%s is not a JSON object", config);
    JsonElement value = ((JsonObject) root).get("do_lower_case");
    if (value == null || value.isJsonNull()) {
      return true;
    }
    checkArgument(
        value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean(),
        "do_lower_case in %s must be true or false, got %s",
        config,
        value);
    return value.getAsBoolean();
  }
}
