package io.github.bamjava.predict;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.bamjava.model.HeadSpec;
import io.github.bamjava.task.Inputs;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskKinds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code tasks.json} of a saved model: a JSON list with each task's name, kind, head and inputs, in head order.
 * Files written before heads were recorded have no {@code head}: their tasks get {@link HeadSpec#STANDARD}; files
 * written before inputs were recorded have no {@code inputs}: their tasks read {@link Inputs#EITHER}.
 */
final class SavedTasks {
  private SavedTasks() {}

  /** One task of a saved model. */
  record Entry(TaskKind kind, HeadSpec head, Inputs inputs) {

    /** Whether a head saved as {@code saved} was trained for this one's labels, type and options. */
    boolean sameHeadAs(Entry saved) {
      return kind.equals(saved.kind) && head.equals(saved.head);
    }
  }

  static String toJson(Map<String, Entry> entries) {
    JsonArray tasks = new JsonArray();
    entries.forEach((name, entry) -> tasks.add(toJson(name, entry)));
    return new GsonBuilder().setPrettyPrinting().create().toJson(tasks);
  }

  /** A task's labels and head as {@code tasks.json} writes them: what decides whether a saved head is reused. */
  static String describe(Entry entry) {
    JsonObject t = toJson(null, entry);
    t.remove("inputs");
    return t.toString();
  }

  private static JsonObject toJson(@Nullable String name, Entry entry) {
    JsonObject t = TaskKinds.toJson(entry.kind());
    if (name != null) {
      t.addProperty("name", name);
    }
    t.add("head", entry.head().toJson());
    t.addProperty("inputs", entry.inputs().jsonName());
    return t;
  }

  /**
   * Reads a {@code tasks.json}.
   *
   * @throws IOException naming the file (and the entry) when it is not a non-empty list of tasks with
   *     distinct names, valid kinds and valid heads
   */
  static LinkedHashMap<String, Entry> read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    LinkedHashMap<String, Entry> kinds = new LinkedHashMap<>();
    JsonElement root;
    try {
      root = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new IOException(file + ": malformed JSON: " + e.getMessage(), e);
    }
    if (!root.isJsonArray() || root.getAsJsonArray().isEmpty()) {
      throw new IOException(file + ": expected a non-empty list of tasks, got " + abbreviate(root));
    }
    int index = 0;
    for (JsonElement e : root.getAsJsonArray()) {
      String where = file + ": task " + index++;
      try {
        checkArgument(e.isJsonObject(), "expected an object, got %s", e);
        JsonObject task = e.getAsJsonObject();
        JsonElement name = task.get("name");
        checkArgument(name != null && name.isJsonPrimitive() && name.getAsJsonPrimitive().isString(),
            "'name' must be a string, got %s", name);
        where = file + ": task " + name.getAsString();
        Entry entry = new Entry(TaskKinds.fromJson(task), HeadSpec.fromJson(task.get("head")),
            inputs(task.get("inputs")));
        checkArgument(kinds.put(name.getAsString(), entry) == null, "listed twice");
      } catch (IllegalArgumentException | IllegalStateException ex) {
        throw new IOException(where + ": " + ex.getMessage(), ex);
      }
    }
    return kinds;
  }

  private static Inputs inputs(@Nullable JsonElement inputs) {
    if (inputs == null) {
      return Inputs.EITHER;
    }
    checkArgument(inputs.isJsonPrimitive() && inputs.getAsJsonPrimitive().isString(),
        "'inputs' must be a string, got %s", inputs);
    return Inputs.fromJsonName(inputs.getAsString());
  }

  private static String abbreviate(JsonElement json) {
    String t = json.isJsonNull() ? "an empty file" : json.toString();
    return t.length() > 60 ? t.substring(0, 60) + "…" : t;
  }
}
