package io.github.bamjava.glue;

import io.github.bamjava.internal.io.AtomicFiles;
import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.github.bamjava.pipeline.DevScores;
import io.github.bamjava.task.TaskMetric;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dev-set results of a run and the GLUE score, rendered as a Markdown table or JSON: the {@link DevScores} of a
 * run with GLUE's names (the overall score is the "GLUE score") and rows made from {@link GlueEvalSet}s.
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

  /** The overall score's name in Markdown tables. */
  public static final String NAME = "GLUE score";
  /** The overall score's field in JSON. */
  public static final String JSON_KEY = "glueScore";

  private final DevScores scores;

  private GlueScore(DevScores scores) {
    this.scores = scores;
  }

  /** The GLUE view of a run's dev scores. */
  public static GlueScore of(DevScores scores) {
    return new GlueScore(requireNonNull(scores, "scores"));
  }

  /** An empty collection of rows; {@link Builder#build()} needs at least one. */
  public static Builder builder() {
    return new Builder();
  }

  /** The scores in the form every pipeline shares. */
  public DevScores scores() {
    return scores;
  }

  /** The rows in the order they were added. */
  public List<DevScores.Row> rows() {
    return scores.rows();
  }

  /** Task name to task score (the mean of its rows' scores), in the order tasks first appear. */
  public Map<String, Double> taskScores() {
    return scores.taskScores();
  }

  /** The mean of the task scores. */
  public double glueScore() {
    return scores.meanScore();
  }

  /** A Markdown table: one line per row (metrics and score times 100), then the GLUE score. */
  public String toMarkdown() {
    return scores.toMarkdown(NAME);
  }

  /** The results as pretty-printed JSON: rows with metrics and score, task scores and the GLUE score. */
  public String toJson() {
    return scores.toJson(JSON_KEY);
  }

  /** Writes {@link #toMarkdown()} to {@code file}, atomically. */
  public void writeMarkdown(Path file) throws IOException {
    AtomicFiles.writeString(file, toMarkdown());
  }

  /** Writes {@link #toJson()} to {@code file}, atomically. */
  public void writeJson(Path file) throws IOException {
    AtomicFiles.writeString(file, toJson());
  }

  /** Collects rows; {@link #build()} needs at least one. */
  public static final class Builder {
    private final DevScores.Builder rows = DevScores.builder();

    private Builder() {}

    /** Adds a row of precomputed metric values. */
    public Builder add(String name, String task, Map<String, Double> metrics) {
      rows.add(name, task, metrics);
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

    /** The scores of the rows added. */
    public GlueScore build() {
      return new GlueScore(rows.build());
    }
  }
}
