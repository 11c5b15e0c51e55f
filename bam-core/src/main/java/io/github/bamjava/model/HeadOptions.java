package io.github.bamjava.model;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * How a task head reads the encoder and, for regression, how it ends. The defaults ({@link #DEFAULT}: [CLS]
 * through the pooler, sigmoid) are BERT's and the paper's; {@link #MEAN_LINEAR} is what sentence-transformer
 * checkpoints (trained on mean pooling, saved without a pooler) and the original BAM code (a linear regression
 * output) suggest instead, and what the GLUE module's learning preset uses.
 *
 * @param pooling what the head reads from the encoder
 * @param regressionOutput the last step of a regression head; ignored by classification heads
 */
public record HeadOptions(Pooling pooling, RegressionOutput regressionOutput) {

  /** [CLS] through BERT's pooler; a sigmoid on regression outputs. */
  public static final HeadOptions DEFAULT = new HeadOptions(Pooling.CLS_POOLER, RegressionOutput.SIGMOID);

  /** The mean of the real tokens' vectors; a linear regression output. */
  public static final HeadOptions MEAN_LINEAR = new HeadOptions(Pooling.MEAN, RegressionOutput.LINEAR);

  /** Checks that both options are set. */
  public HeadOptions {
    requireNonNull(pooling, "pooling");
    requireNonNull(regressionOutput, "regressionOutput");
  }

  /** These options with pooling {@code p}. */
  public HeadOptions withPooling(Pooling p) {
    return new HeadOptions(p, regressionOutput);
  }

  /** These options with regression output {@code r}. */
  public HeadOptions withRegressionOutput(RegressionOutput r) {
    return new HeadOptions(pooling, r);
  }

  /** Adds {@code pooling} and {@code regression_output} to {@code json}. */
  void addTo(JsonObject json) {
    json.addProperty("pooling", pooling.jsonName());
    json.addProperty("regression_output", regressionOutput.jsonName());
  }

  /** Reads {@link #addTo}'s fields; a missing one takes its {@link #DEFAULT}. */
  static HeadOptions from(JsonObject json) {
    Pooling p = json.has("pooling") ? Pooling.fromJsonName(string(json, "pooling")) : DEFAULT.pooling;
    RegressionOutput r = json.has("regression_output")
        ? RegressionOutput.fromJsonName(string(json, "regression_output")) : DEFAULT.regressionOutput;
    return new HeadOptions(p, r);
  }

  static String string(JsonObject json, String field) {
    JsonElement e = json.get(field);
    checkArgument(e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString(),
        "'%s' must be a string, got %s", field, e);
    return e.getAsString();
  }
}
