package io.github.bamjava.taskfile;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The members of one object of a task file, read with errors that name the file and the member's path
 * ({@code tasks[1].labels}). Each object declares the members it knows: any other is an error (a misspelt
 * {@code "lables"} would otherwise be ignored and the task trained without what was meant).
 */
final class JsonFields {
  private final Path file;
  private final Map<String, Integer> lines;
  private final String path;
  private final JsonObject object;

  private JsonFields(Path file, Map<String, Integer> lines, String path, JsonObject object) {
    this.file = file;
    this.lines = lines;
    this.path = path;
    this.object = object;
  }

  /**
   * The object at {@code path}, which must be one, with only {@code known} members.
   *
   * @param lines the line of each member path, for errors ({@link LocatedJson#lines})
   */
  static JsonFields of(Path file, Map<String, Integer> lines, String path, JsonElement e, Set<String> known)
      throws TaskFileException {
    if (!(e instanceof JsonObject o)) {
      throw new TaskFileException(file, lines.getOrDefault(path, 0), where(path) + "must be a JSON object, got "
          + e);
    }
    for (String key : o.keySet()) {
      if (!known.contains(key)) {
        throw new TaskFileException(file, lines.getOrDefault(join(path, key), 0), "unknown field '"
            + join(path, key) + "' (known here: " + known.stream().sorted().toList() + ")");
      }
    }
    return new JsonFields(file, lines, path, o);
  }

  /** The object in member {@code key}, with only {@code known} members. */
  JsonFields child(String key, Set<String> known) throws TaskFileException {
    return of(file, lines, pathOf(key), required(key), known);
  }

  /** An error about this object as a whole. */
  TaskFileException error(String message) {
    return new TaskFileException(file, lines.getOrDefault(path, 0), (path.isEmpty() ? "" : "'" + path + "': ")
        + message);
  }

  String pathOf(String key) {
    return join(path, key);
  }

  boolean has(String key) {
    return object.has(key) && !object.get(key).isJsonNull();
  }

  @Nullable JsonElement raw(String key) {
    return has(key) ? object.get(key) : null;
  }

  /** A required member. */
  JsonElement required(String key) throws TaskFileException {
    if (!has(key)) {
      throw error(key, "missing: this field is required");
    }
    return object.get(key);
  }

  String string(String key) throws TaskFileException {
    JsonElement e = required(key);
    if (!(e instanceof JsonPrimitive p && p.isString()) || e.getAsString().isEmpty()) {
      throw error(key, "must be a non-empty string, got " + e);
    }
    return e.getAsString();
  }

  Optional<String> optString(String key) throws TaskFileException {
    return has(key) ? Optional.of(string(key)) : Optional.empty();
  }

  double number(String key) throws TaskFileException {
    JsonElement e = required(key);
    if (!(e instanceof JsonPrimitive p && p.isNumber()) || !Double.isFinite(e.getAsDouble())) {
      throw error(key, "must be a number, got " + e);
    }
    return e.getAsDouble();
  }

  long integer(String key) throws TaskFileException {
    double v = number(key);
    if (v != Math.rint(v) || Math.abs(v) > (1L << 53)) {
      throw error(key, "must be a whole number, got " + object.get(key));
    }
    return (long) v;
  }

  boolean bool(String key) throws TaskFileException {
    JsonElement e = required(key);
    if (!(e instanceof JsonPrimitive p && p.isBoolean())) {
      throw error(key, "must be true or false, got " + e);
    }
    return e.getAsBoolean();
  }

  /** A list of strings; {@code minSize} or more. */
  List<String> strings(String key, int minSize) throws TaskFileException {
    JsonElement e = required(key);
    List<String> out = new ArrayList<>();
    if (e instanceof JsonArray a) {
      for (JsonElement x : a) {
        if (!(x instanceof JsonPrimitive p && p.isString())) {
          throw error(key, "must be a list of strings, got " + e);
        }
        out.add(x.getAsString());
      }
    } else {
      throw error(key, "must be a list of strings, got " + e);
    }
    if (out.size() < minSize) {
      throw error(key, "must list at least " + minSize + ", got " + e);
    }
    return out;
  }

  /** A list of numbers. */
  double[] numbers(String key) throws TaskFileException {
    JsonElement e = required(key);
    if (!(e instanceof JsonArray a)) {
      throw error(key, "must be a list of numbers, got " + e);
    }
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(a.get(i) instanceof JsonPrimitive p && p.isNumber())) {
        throw error(key, "must be a list of numbers, got " + e);
      }
      out[i] = a.get(i).getAsDouble();
    }
    return out;
  }

  /** An error about member {@code key}. */
  TaskFileException error(String key, String message) {
    int line = lines.getOrDefault(join(path, key), lines.getOrDefault(path, 0));
    return new TaskFileException(file, line, "field '" + join(path, key) + "' " + message);
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String where(String path) {
    return path.isEmpty() ? "the file " : "'" + path + "' ";
  }
}
