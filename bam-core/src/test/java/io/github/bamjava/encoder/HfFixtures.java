package io.github.bamjava.encoder;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The HuggingFace parity fixtures under {@code src/test/resources/hf-parity}: tiny random-weight checkpoints of
 * each architecture saved by transformers, and what transformers computed from them, written by
 * {@code bench/hf-parity/make-fixtures.sh}.
 */
public final class HfFixtures {
  private HfFixtures() {}

  /** The checkpoint directory of an architecture's fixture: {@code hf-parity/roberta}, .... */
  public static Path checkpoint(Architecture architecture) {
    return resource("hf-parity/" + architecture.modelType());
  }

  /** A file or directory of the fixtures. */
  public static Path resource(String name) {
    URL url = HfFixtures.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IllegalStateException("test resource " + name + " is missing; run bench/hf-parity/make-fixtures.sh");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JSON file of the fixtures. */
  public static JsonObject json(Path file) throws IOException {
    return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
  }
}
