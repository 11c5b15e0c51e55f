package io.github.bamjava.distill;

import static com.google.common.base.Preconditions.checkArgument;

import org.jspecify.annotations.Nullable;

/**
 * The training target of one example: λ·gold + (1−λ)·teacher.
 *
 * <p>For classification the gold label is a one-hot vector and the teacher's output a probability
 * distribution, so the target is a distribution too; for regression both are values in [0, 1]. Without a
 * teacher the target is the gold label alone.
 */
public final class AnnealedTarget {
  private AnnealedTarget() {}

  /**
   * A classification target over {@code k} labels.
   *
   * @param gold the gold label index
   * @param k the number of labels
   * @param teacher the teacher's probabilities (length k), or null
   * @param lambda the gold label's weight
   */
  public static float[] classification(int gold, int k, float @Nullable [] teacher, double lambda) {
    checkArgument(gold >= 0 && gold < k, "gold label %s outside [0, %s)", gold, k);
    float[] target = new float[k];
    if (teacher == null) {
      target[gold] = 1f;
      return target;
    }
    checkArgument(teacher.length == k, "teacher gives %s probabilities for %s labels", teacher.length, k);
    for (int j = 0; j < k; j++) {
      target[j] = (float) ((1 - lambda) * teacher[j]);
    }
    target[gold] += (float) lambda;
    return target;
  }

  /**
   * A regression target in [0, 1].
   *
   * @param gold the gold value, scaled to [0, 1]
   * @param teacher the teacher's scaled output (length 1), or null for no teacher; never NaN, which could only mean
   *     a corrupt teacher and is refused
   * @param lambda the gold label's weight
   */
  public static float[] regression(float gold, float @Nullable [] teacher, double lambda) {
    if (teacher == null) {
      return new float[] {gold};
    }
    checkArgument(teacher.length == 1, "a regression teacher gives one value, got %s", teacher.length);
    checkArgument(Float.isFinite(teacher[0]), "teacher value %s is not a finite number", teacher[0]);
    return new float[] {(float) (lambda * gold + (1 - lambda) * teacher[0])};
  }
}
