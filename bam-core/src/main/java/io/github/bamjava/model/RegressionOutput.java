package io.github.bamjava.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * The last step of a regression head. Either way the head predicts the label on the [0, 1] scale of its range
 * (STS-B's 0–5 score divided by 5) and is trained with squared error against that target.
 */
public enum RegressionOutput {
  /** A sigmoid keeps predictions inside [0, 1], as the paper's text describes the regression head. */
  SIGMOID,
  /** The linear layer's output as it is, as the original BAM code does ({@code tf.layers.dense(reprs, 1)}). */
  LINEAR;

  /** The name in saved models and run configurations: {@code sigmoid}, {@code linear}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The output of a {@link #jsonName()}; an unknown name is an error listing the known ones. */
  public static RegressionOutput fromJsonName(String name) {
    for (RegressionOutput r : values()) {
      if (r.jsonName().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown regression output '" + name + "' (known: "
        + Arrays.stream(values()).map(RegressionOutput::jsonName).toList() + ")");
  }
}
