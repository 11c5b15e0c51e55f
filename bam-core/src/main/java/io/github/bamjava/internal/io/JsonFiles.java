package io.github.bamjava.internal.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the JSON files this library writes. A torn or hand-edited file is an error that names it: Gson's own
 * message ("Expected BEGIN_OBJECT but was STRING at line 1 column 1") says what is wrong but not where.
 */
public final class JsonFiles {
  private JsonFiles() {}

  /** Enough of a wrong value to recognise it in an error message. */
  private static final int SHOWN_CHARS = 80;

  /**
   * The JSON object that {@code file} holds.
   *
   * @throws IOException naming the file when it cannot be read, is not valid JSON, or holds something else
   */
  public static JsonObject readObject(Path file) throws IOException {
    JsonElement root;
    try {
      root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
    } catch (JsonParseException e) {
      throw new IOException(file + " is not valid JSON (" + e.getMessage() + ")", e);
    }
    if (!root.isJsonObject()) {
      String shown = root.toString();
      throw new IOException(file + " holds no JSON object but " + (shown.length() <= SHOWN_CHARS ? shown
          : shown.substring(0, SHOWN_CHARS) + "…"));
    }
    return root.getAsJsonObject();
  }
}
