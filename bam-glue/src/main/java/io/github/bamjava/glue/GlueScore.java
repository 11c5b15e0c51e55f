package io.github.bamjava.glue;

import io.github.bamjava.io.AtomicFiles;
import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.bamjava.task.TaskMetric;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Dev-set results of a run and the GLUE score, rendered as a Markdown table or JSON.
 *
 * <p>A row is one evaluation set ("MRPC", "MNLI-m") with its metric values; its score is the mean of its
 * metrics (MRPC: mean of F1 and accuracy; STS-B: of Pearson and Spearman). Rows of the same task (MNLI-m and
 * MNLI-mm) are averaged into one task score, so MNLI counts once, as one task of nine; the GLUE score is the
 * mean of the task scores. Rows may name tasks that are not GLUE's (a user's own task), which then count as a
 * task of their own.
 *
 * <p>Values are kept as fractions (0.85) and written so in JSON, for programs; Markdown shows them times 100
 * with one decimal, as papers and the GLUE leaderboard do.
 */
public final class GlueScore {

  /**
   * One evaluated set.
   *
   * @param name the set's name in the table, such as "MNLI-mm"
   * @param task the task it belongs to, such as "MNLI"; rows of one task share its score
   * @param metrics metric name to value, in table order
   */
  public record Row(String name, String task, Map<String, Double> metrics) {
    public Row {
      requireNonNull(name, "name");
      requireNonNull(task, "task");
      metrics = ImmutableMap.copyOf(metrics);
      checkArgument(!metrics.isEmpty(), "row %s has no metrics", name);
      for (Map.Entry<String, Double> m : metrics.entrySet()) {
        checkArgument(Double.isFinite(m.getValue()), "row %s: metric %s is %s, not a finite number",
            name, m.getKey(), m.getValue());
      }
    }

    /** The mean of the row's metrics. */
    public double score() {
      return metrics.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
  }

  private final ImmutableList<Row> rows;

  private GlueScore(List<Row> rows) {
    this.rows = ImmutableList.copyOf(rows);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The rows in the order they were added. */
  public List<Row> rows() {
    return rows;
  }

  /** Task name to task score (the mean of its rows' scores), in the order tasks first appear. */
  public Map<String, Double> taskScores() {
    Map<String, List<Double>> byTask = new LinkedHashMap<>();
    for (Row row : rows) {
      byTask.computeIfAbsent(row.task(), t -> new ArrayList<>()).add(row.score());
    }
    ImmutableMap.Builder<String, Double> out = ImmutableMap.builder();
    byTask.forEach((task, scores) ->
        out.put(task, scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
    return out.build();
  }

  /** The mean of the task scores. */
  public double glueScore() {
    return taskScores().values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /** A Markdown table: one line per row (metrics and score times 100), then the GLUE score. */
  public String toMarkdown() {
    StringBuilder md = new StringBuilder("| Task | Metrics | Score |\n|---|---|---:|\n");
    for (Row row : rows) {
      List<String> parts = new ArrayList<>();
      row.metrics().forEach((name, value) -> parts.add(name + " " + percent(value)));
      md.append("| ").append(row.name()).append(" | ").append(String.join(" / ", parts))
          .append(" | ").append(percent(row.score())).append(" |\n");
    }
    int tasks = taskScores().size();
    md.append("| **GLUE score** | mean of ").append(tasks).append(tasks == 1 ? " task" : " tasks")
        .append(" | **").append(percent(glueScore())).append("** |\n");
    return md.toString();
  }

  /** The results as pretty-printed JSON: rows with metrics and score, task scores and the GLUE score. */
  public String toJson() {
    JsonObject root = new JsonObject();
    JsonArray jsonRows = new JsonArray();
    for (Row row : rows) {
      JsonObject r = new JsonObject();
      r.addProperty("name", row.name());
      r.addProperty("task", row.task());
      JsonObject metrics = new JsonObject();
      row.metrics().forEach(metrics::addProperty);
      r.add("metrics", metrics);
      r.addProperty("score", row.score());
      jsonRows.add(r);
    }
    root.add("rows", jsonRows);
    JsonObject tasks = new JsonObject();
    taskScores().forEach(tasks::addProperty);
    root.add("taskScores", tasks);
    root.addProperty("glueScore", glueScore());
    return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
  }

  /** Writes {@link #toMarkdown()} to {@code file}, atomically. */
  public void writeMarkdown(Path file) throws IOException {
    AtomicFiles.writeString(file, toMarkdown());
  }

  /** Writes {@link #toJson()} to {@code file}, atomically. */
  public void writeJson(Path file) throws IOException {
    AtomicFiles.writeString(file, toJson());
  }

  private static String percent(double value) {
    return String.format(Locale.ROOT, "%.1f", 100 * value);
  }

  /** Collects rows; {@link #build()} needs at least one. */
  public static final class Builder {
    private final List<Row> rows = new ArrayList<>();

    private Builder() {}

    /** Adds a row of precomputed metric values. */
    public Builder add(String name, String task, Map<String, Double> metrics) {
      String n = requireNonNull(name, "name");
      checkArgument(rows.stream().noneMatch(r -> r.name().equals(n)), "duplicate row %s", name);
      rows.add(new Row(name, task, metrics));
      return this;
    }

    /** Adds a GLUE evaluation set's row of precomputed metric values; its task is the set's task. */
    public Builder add(GlueEvalSet set, Map<String, Double> metrics) {
      checkArgument(set != GlueEvalSet.AX, "AX has no dev labels and no place in the GLUE score");
      return add(set.displayName(), set.task().dirName(), metrics);
    }

    /**
     * Scores dev predictions of a GLUE evaluation set with its task's metrics and adds the row.
     *
     * @param gold the gold values (label indices, or STS-B scores on their 0-5 scale)
     * @param predicted the predictions, in the same order
     */
    public Builder evaluate(GlueEvalSet set, double[] gold, double[] predicted) {
      Map<String, Double> values = new LinkedHashMap<>();
      for (TaskMetric m : set.task().metrics()) {
        values.put(m.name(), m.compute(gold, predicted));
      }
      return add(set, values);
    }

    public GlueScore build() {
      checkState(!rows.isEmpty(), "no results to score: add at least one row");
      return new GlueScore(rows);
    }
  }
}
