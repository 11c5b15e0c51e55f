package io.github.bamjava.model;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * One task's head as a saved model records it: the name its factory is registered under and its options.
 *
 * @param type the head's name in a {@link HeadRegistry} ({@link HeadRegistry#STANDARD} for the paper's head)
 * @param options its pooling and regression output
 */
public record HeadSpec(String type, HeadOptions options) {

  /** The paper's head with the default options: what models saved before head options existed have. */
  public static final HeadSpec STANDARD = new HeadSpec(HeadRegistry.STANDARD, HeadOptions.DEFAULT);

  /** Checks the head type's name and that options are set. */
  public HeadSpec {
    HeadRegistry.checkName(type);
    requireNonNull(options, "options");
  }

  /** The JSON form saved in {@code tasks.json}: {@code {"type": …, "pooling": …, "regression_output": …}}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    json.addProperty("type", type);
    options.addTo(json);
    return json;
  }

  /**
   * Reads {@link #toJson}'s form; absent options take their defaults, and an absent head (null: a model saved
   * before heads were recorded) is {@link #STANDARD}.
   *
   * @throws IllegalArgumentException naming the field that is malformed
   */
  public static HeadSpec fromJson(JsonElement json) {
    if (json == null || json.isJsonNull()) {
      return STANDARD;
    }
    checkArgument(json.isJsonObject(), "'head' must be an object, got %s", json);
    JsonObject o = json.getAsJsonObject();
    String type = o.has("type") ? HeadOptions.string(o, "type") : HeadRegistry.STANDARD;
    return new HeadSpec(type, HeadOptions.from(o));
  }
}
