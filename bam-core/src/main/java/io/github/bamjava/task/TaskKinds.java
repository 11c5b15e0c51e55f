package io.github.bamjava.task;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** JSON form of a {@link TaskKind}, as saved in models and run configurations. */
public final class TaskKinds {
  private TaskKinds() {}

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

  /** Reads {@link #toJson}'s form; an unknown kind is an error naming it. */
  public static TaskKind fromJson(JsonObject json) {
    String kind = json.has("kind") ? json.get("kind").getAsString() : "(missing)";
    switch (kind) {
      case "classification": {
        java.util.List<String> labels = new java.util.ArrayList<>();
        json.getAsJsonArray("labels").forEach(e -> labels.add(e.getAsString()));
        return new TaskKind.Classification(labels);
      }
      case "regression":
        return new TaskKind.Regression(json.get("min").getAsDouble(), json.get("max").getAsDouble());
      default:
        throw new IllegalArgumentException("unknown task kind '" + kind + "' in " + json);
    }
  }
}
