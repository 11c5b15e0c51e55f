package io.github.bamjava.task;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.HashSet;
import java.util.List;

/**
 * What a task predicts: one of k labels ({@link Classification}) or a number in a range ({@link Regression}).
 *
 * <p>The kind decides the head on top of the encoder, the form of the distillation target and how a gold label
 * string from a data file becomes a training target.
 */
public sealed interface TaskKind permits TaskKind.Classification, TaskKind.Regression {

  /** Number of outputs of the task head: k for classification, 1 for regression. */
  int outputSize();

  /**
   * Classification into named labels; the label's position in {@code labels} is its index.
   *
   * @param labels the label names as they appear in the data, in a fixed order
   */
  record Classification(List<String> labels) implements TaskKind {
    /** Copies the labels. */
    public Classification {
      labels = ImmutableList.copyOf(labels);
      checkArgument(labels.size() >= 2, "a classification task needs at least 2 labels, got %s", labels);
      checkArgument(new HashSet<>(labels).size() == labels.size(), "duplicate label names in %s", labels);
    }

    /** Convenience factory: {@code classification("0", "1")}. */
    public static Classification of(String... labels) {
      return new Classification(List.of(labels));
    }

    @Override
    public int outputSize() {
      return labels.size();
    }

    /** The index of a label name, or an error naming the label and the label space. */
    public int indexOf(String label) {
      int index = labels.indexOf(label);
      checkArgument(index >= 0, "label '%s' is not in the label space %s", label, labels);
      return index;
    }
  }

  /**
   * Regression onto a closed range; the head predicts the value scaled to [0, 1] (as BAM scales STS-B by 1/5).
   *
   * @param min the smallest valid label
   * @param max the largest valid label
   */
  record Regression(double min, double max) implements TaskKind {
    /** Checks that the range is finite and not empty. */
    public Regression {
      checkArgument(Double.isFinite(min) && Double.isFinite(max) && min < max,
          "a regression range needs finite min < max, got [%s, %s]", min, max);
    }

    @Override
    public int outputSize() {
      return 1;
    }

    /** The label scaled to [0, 1]. */
    public double scale(double value) {
      return (value - min) / (max - min);
    }

    /** A [0, 1] head output mapped back onto the label range. */
    public double unscale(double scaled) {
      return min + scaled * (max - min);
    }
  }
}
