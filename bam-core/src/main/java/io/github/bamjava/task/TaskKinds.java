package io.github.bamjava.task;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** JSON form of a {@link TaskKind}, as saved in models and run configurations. */
public final class TaskKinds {
  private TaskKinds() {}

  /**
   * The JSON form of {@code kind}, as saved models and run configurations hold it.
   */
  public static JsonObject toJson(TaskKind kind) {
    JsonObject json = new JsonObject();
    if (kind instanceof TaskKind.Classification c) {
      json.addProperty("kind", "classification");
      JsonArray labels = new JsonArray();
      c.labels().forEach(labels::add);
      json.add("labels", labels);
    } else {
      TaskKind.Regression r = (TaskKind.Regression) kind;
      json.addProperty("kind", "regression");
      json.addProperty("min", r.min());
      json.addProperty("max", r.max());
    }
    return json;
  }

  /**
   * Reads {@link #toJson}'s form.
   *
   * @throws IllegalArgumentException naming the field, for an unknown kind or a missing or malformed field
   */
  public static TaskKind fromJson(JsonObject json) {
    String kind = string(json, "kind");
    switch (kind) {
      case "classification": {
        JsonElement labels = json.get("labels");
        checkArgument(labels != null && labels.isJsonArray(), "'labels' must be a list of label names, got %s",
            labels);
        List<String> names = new ArrayList<>();
        for (JsonElement e : labels.getAsJsonArray()) {
          checkArgument(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString(),
              "'labels' must be a list of label names, got %s", labels);
          names.add(e.getAsString());
        }
        return new TaskKind.Classification(names);
      }
      case "regression":
        return new TaskKind.Regression(number(json, "min"), number(json, "max"));
      default:
        throw new IllegalArgumentException("unknown task kind '" + kind + "' (classification or regression)");
    }
  }

  private static String string(JsonObject json, String field) {
    JsonElement e = json.get(field);
    checkArgument(e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString(),
        "'%s' must be a string, got %s", field, e);
    return e.getAsString();
  }

  private static double number(JsonObject json, String field) {
    JsonElement e = json.get(field);
    checkArgument(e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber(),
        "'%s' must be a number, got %s", field, e);
    return e.getAsDouble();
  }
}
