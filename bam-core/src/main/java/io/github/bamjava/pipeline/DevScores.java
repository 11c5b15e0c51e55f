package io.github.bamjava.pipeline;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Dev-set results of one model (or one model per task) and their overall score, rendered as a Markdown table or
 * JSON.
 *
 * <p>A row is one evaluation set ("MRPC", "MNLI-m") with its metric values; its score is the mean of its metrics
 * (MRPC: mean of F1 and accuracy). Rows of the same task (MNLI-m and MNLI-mm) are averaged into one task score, so
 * such a task counts once; the overall score is the mean of the task scores (on GLUE, the GLUE score).
 *
 * <p>Values are kept as fractions (0.85) and written so in JSON, for programs; Markdown shows them times 100 with
 * one decimal, as papers and the GLUE leaderboard do.
 */
public final class DevScores {

  /**
   * One evaluated set.
   *
   * @param name the set's name in the table, such as "MNLI-mm"
   * @param task the task it belongs to, such as "MNLI"; rows of one task share its score
   * @param metrics metric name to value, in table order
   */
  public record Row(String name, String task, Map<String, Double> metrics) {
    /** Checks that the row has metrics and that each is a finite number, naming the first that is not. */
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

  private DevScores(List<Row> rows) {
    this.rows = ImmutableList.copyOf(rows);
  }

  /** An empty collection of rows; {@link Builder#build()} needs at least one. */
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
  public double meanScore() {
    return taskScores().values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /**
   * A Markdown table: one line per row (metrics and score times 100), then the overall score.
   *
   * @param scoreName what the overall score is called in the last line, such as "GLUE score"
   */
  public String toMarkdown(String scoreName) {
    StringBuilder md = new StringBuilder("| Task | Metrics | Score |\n|---|---|---:|\n");
    for (Row row : rows) {
      List<String> parts = new ArrayList<>();
      row.metrics().forEach((name, value) -> parts.add(name + " " + percent(value)));
      md.append("| ").append(row.name()).append(" | ").append(String.join(" / ", parts))
          .append(" | ").append(percent(row.score())).append(" |\n");
    }
    int tasks = taskScores().size();
    md.append("| **").append(scoreName).append("** | mean of ").append(tasks).append(tasks == 1 ? " task" : " tasks")
        .append(" | **").append(percent(meanScore())).append("** |\n");
    return md.toString();
  }

  /**
   * The results as pretty-printed JSON: rows with metrics and score, task scores and the overall score.
   *
   * @param scoreKey the overall score's field name, such as "glueScore"
   */
  public String toJson(String scoreKey) {
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
    root.addProperty(scoreKey, meanScore());
    return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
  }

  static String percent(double value) {
    return String.format(Locale.ROOT, "%.1f", 100 * value);
  }

  /** Collects rows; {@link #build()} needs at least one. */
  public static final class Builder {
    private final List<Row> rows = new ArrayList<>();

    private Builder() {}

    /** Adds a row of metric values; row names are unique. */
    public Builder add(String name, String task, Map<String, Double> metrics) {
      String n = requireNonNull(name, "name");
      checkArgument(rows.stream().noneMatch(r -> r.name().equals(n)), "duplicate row %s", name);
      rows.add(new Row(name, task, metrics));
      return this;
    }

    /** The scores of the rows added. */
    public DevScores build() {
      checkState(!rows.isEmpty(), "no results to score: add at least one row");
      return new DevScores(rows);
    }
  }
}
