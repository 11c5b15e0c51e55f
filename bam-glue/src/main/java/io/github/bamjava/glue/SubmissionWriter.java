package io.github.bamjava.glue;

import io.github.bamjava.internal.io.AtomicFiles;
import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.github.bamjava.task.Example;
import io.github.bamjava.task.TaskKind;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes test-set predictions as the files GLUE's submission server accepts: one file per {@link GlueEvalSet}
 * ({@code CoLA.tsv} … {@code MNLI-mm.tsv}, {@code AX.tsv}), header {@code index<TAB>prediction}, one row per test
 * example in file order.
 *
 * <p>Predictions are written as GLUE expects them: the label name for classification ({@code 0}/{@code 1};
 * {@code entailment}/{@code neutral}/{@code contradiction}; {@code entailment}/{@code not_entailment}), and for
 * STS-B the value clamped to [0, 5] and rounded half-up to 3 decimals. Files are written atomically, so an
 * interrupted run never leaves a truncated submission that would still upload.
 */
final class SubmissionWriter {
  private SubmissionWriter() {}

  /**
   * Writes the submission file of {@code set} into {@code dir}.
   *
   * @param dir the output directory, created if missing
   * @param set the evaluation set; its test examples give the indices
   * @param examples the set's test examples, as read by {@link GlueReader#readTest(GlueEvalSet)}
   * @param predictions one per example, in the same order: a label index, or the STS-B value on its 0-5 scale
   * @return the written file
   */
  public static Path write(Path dir, GlueEvalSet set, List<Example> examples, double[] predictions)
      throws IOException {
    requireNonNull(dir, "dir");
    requireNonNull(set, "set");
    checkArgument(examples.size() == predictions.length,
        "%s: %s test examples but %s predictions", set.displayName(), examples.size(), predictions.length);
    StringBuilder out = new StringBuilder(16 * (examples.size() + 1)).append("index\tprediction\n");
    for (int i = 0; i < predictions.length; i++) {
      out.append(examples.get(i).id()).append('\t').append(format(set.task(), predictions[i])).append('\n');
    }
    Path file = dir.resolve(set.submissionFile());
    AtomicFiles.writeString(file, out);
    return file;
  }

  /**
   * One prediction as GLUE expects it: the label name of a label index, or an STS-B value clamped to [0, 5]
   * and rounded to 3 decimals.
   *
   * @throws IllegalArgumentException for a label index that is not an integer in the task's label range, or a
   *     value that is not finite
   */
  public static String format(GlueTask task, double prediction) {
    checkArgument(Double.isFinite(prediction), "%s: prediction %s is not a finite number",
        task.dirName(), prediction);
    if (task.kind() instanceof TaskKind.Classification c) {
      int index = (int) prediction;
      checkArgument(index == prediction && index >= 0 && index < c.labels().size(),
          "%s: prediction %s is not a label index in [0, %s)", task.dirName(), prediction, c.labels().size());
      return c.labels().get(index);
    }
    TaskKind.Regression r = (TaskKind.Regression) task.kind();
    double clamped = Math.max(r.min(), Math.min(r.max(), prediction));
    // BigDecimal.valueOf uses the shortest decimal form, so 2.0005 rounds up as a reader of the number expects.
    return BigDecimal.valueOf(clamped).setScale(3, RoundingMode.HALF_UP).toPlainString();
  }
}
