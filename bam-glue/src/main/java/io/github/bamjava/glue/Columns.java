package io.github.bamjava.glue;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Where the fields of one GLUE file live: whether it has a header line and the 0-based column of the example id,
 * the first and second sentence and the label.
 *
 * <p>GLUE's files differ per task and per split (CoLA's train and dev have no header but its test has one; MNLI's
 * gold label is column 11 in train and 15 in dev), so each file gets its own layout rather than a per-task rule.
 *
 * @param header whether the first line is a header to skip
 * @param id the column holding the example's index, or {@link #NONE}: the 0-based data row number is the id
 * @param textA the column of the first (or only) sentence
 * @param textB the column of the second sentence, or {@link #NONE} for single-sentence tasks
 * @param label the column of the gold label, or {@link #NONE} for unlabelled (test) files
 */
record Columns(boolean header, int id, int textA, int textB, int label) {

  /** Marks a field the file does not have. */
  public static final int NONE = -1;

  public Columns {
    checkArgument(id >= NONE && textB >= NONE && label >= NONE,
        "columns must be >= 0 or NONE, got id=%s textB=%s label=%s", id, textB, label);
    checkArgument(textA >= 0, "the first sentence needs a column, got %s", textA);
  }

  /**
   * How many columns a row has: one past the last column used. Every official GLUE layout ends at a column the
   * reader uses (MNLI's gold label is the last of 12 in train and of 16 in dev; CoLA's sentence the last of 4),
   * so this is the file's exact width, and a row with more columns is malformed, not padded: a tab inside a
   * text field splits it in two.
   */
  public int width() {
    return Math.max(Math.max(id, textA), Math.max(textB, label)) + 1;
  }

  /** Whether rows carry a gold label. */
  public boolean labelled() {
    return label != NONE;
  }

  /** Whether rows carry a sentence pair. */
  public boolean pair() {
    return textB != NONE;
  }
}
