package io.github.bamjava.glue.study;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.task.TaskMetric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model's predictions on a task's dev examples, next to the gold labels: what the significance tests resample.
 * Stored as a TSV file with the header {@code id gold predicted}; labels are label indices for classification
 * and values on the task's own scale for regression.
 *
 * @param ids the examples' ids, in dev order
 * @param gold the gold label of each example
 * @param predicted the model's prediction of each example
 */
record DevPredictions(List<String> ids, double[] gold, double[] predicted) {

  private static final String HEADER = "id\tgold\tpredicted";

  public DevPredictions {
    ids = List.copyOf(ids);
    checkArgument(gold.length == ids.size() && predicted.length == ids.size(),
        "%s ids, %s gold labels and %s predictions", ids.size(), gold.length, predicted.length);
  }

  public int size() {
    return ids.size();
  }

  /** The metric on the examples at these indices (repeats allowed, as a bootstrap resample draws them). */
  public double score(TaskMetric metric, int[] indices) {
    double[] g = new double[indices.length];
    double[] p = new double[indices.length];
    for (int i = 0; i < indices.length; i++) {
      g[i] = gold[indices[i]];
      p[i] = predicted[indices[i]];
    }
    return metric.compute(g, p);
  }

  /**
   * How many examples {@code other} predicts otherwise than this.
   *
   * @throws IllegalArgumentException if {@code other} holds other examples
   */
  public int differencesFrom(DevPredictions other) {
    checkArgument(other.ids.equals(ids), "the predictions are for other examples");
    int n = 0;
    for (int i = 0; i < predicted.length; i++) {
      n += Double.compare(predicted[i], other.predicted[i]) == 0 ? 0 : 1;
    }
    return n;
  }

  /** Writes the file atomically. */
  public void write(Path file) throws IOException {
    StringBuilder tsv = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < ids.size(); i++) {
      tsv.append(ids.get(i)).append('\t').append(format(gold[i])).append('\t').append(format(predicted[i]))
          .append('\n');
    }
    AtomicFiles.writeString(file, tsv);
  }

  /** Reads a file written by {@link #write}; a malformed line is an error naming the file and line. */
  public static DevPredictions read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    checkArgument(!lines.isEmpty() && lines.get(0).equals(HEADER), "%s: expected the header '%s'", file,
        HEADER.replace("\t", "\\t"));
    List<String> ids = new ArrayList<>();
    double[] gold = new double[lines.size() - 1];
    double[] predicted = new double[lines.size() - 1];
    for (int i = 1; i < lines.size(); i++) {
      String[] cols = lines.get(i).split("\t", -1);
      checkArgument(cols.length == 3, "%s:%s: expected 3 tab-separated columns, got %s", file, i + 1,
          cols.length);
      ids.add(cols[0]);
      gold[i - 1] = parse(cols[1], file, i + 1);
      predicted[i - 1] = parse(cols[2], file, i + 1);
    }
    return new DevPredictions(ids, gold, predicted);
  }

  private static double parse(String value, Path file, int line) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "%s:%d: '%s' is not a number", file, line,
          value), e);
    }
  }

  private static String format(double v) {
    // Integral labels stay short; regression values keep every digit so a re-read scores identically.
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
  }
}
