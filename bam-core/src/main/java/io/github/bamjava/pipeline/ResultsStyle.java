package io.github.bamjava.pipeline;

import static java.util.Objects.requireNonNull;

/**
 * How a run's results name their overall score, in Markdown and JSON, and what the baseline column's note says: a
 * benchmark speaks its own words (GLUE: "GLUE score").
 *
 * @param scoreName the overall score's name in tables, such as "GLUE score"
 * @param scoreKey the overall score's field in JSON, such as "glueScore"
 * @param majorityNote the sentence under the table that explains the majority-class column
 */
public record ResultsStyle(String scoreName, String scoreKey, String majorityNote) {

  /** The words of a run on one's own tasks. */
  public static final ResultsStyle DEFAULT = new ResultsStyle("Mean score", "meanScore",
      BamPipeline.MAJORITY + ": always the most frequent label of the task's training examples, scored on the same"
          + " dev rows; a regression task has none and counts 0.");

  /** Checks that every part is there. */
  public ResultsStyle {
    requireNonNull(scoreName, "scoreName");
    requireNonNull(scoreKey, "scoreKey");
    requireNonNull(majorityNote, "majorityNote");
  }
}
