package io.github.bamjava.glue;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One column of the GLUE leaderboard: a dev file and a test file judged together, and the submission file its
 * test predictions go to.
 *
 * <p>Most tasks have one evaluation set. MNLI has three, all predicted by the one MNLI model: matched (MNLI-m,
 * the task's own dev split), mismatched (MNLI-mm, genres not seen in training) and the AX diagnostic (test only,
 * no dev, no labels). Modelling them here, rather than as extra tasks, keeps "what is trained" (a
 * {@link GlueTask}) apart from "what is evaluated", so MNLI is never trained twice.
 */
public enum GlueEvalSet {
  /** CoLA: dev and test, submitted as CoLA.tsv. */
  COLA(GlueTask.COLA, "CoLA", "CoLA/dev.tsv", "CoLA/test.tsv", "CoLA.tsv"),
  /** SST-2: dev and test, submitted as SST-2.tsv. */
  SST2(GlueTask.SST2, "SST-2", "SST-2/dev.tsv", "SST-2/test.tsv", "SST-2.tsv"),
  /** MRPC: dev and test, submitted as MRPC.tsv. */
  MRPC(GlueTask.MRPC, "MRPC", "MRPC/dev.tsv", "MRPC/test.tsv", "MRPC.tsv"),
  /** STS-B: dev and test, submitted as STS-B.tsv. */
  STSB(GlueTask.STSB, "STS-B", "STS-B/dev.tsv", "STS-B/test.tsv", "STS-B.tsv"),
  /** QQP: dev and test, submitted as QQP.tsv. */
  QQP(GlueTask.QQP, "QQP", "QQP/dev.tsv", "QQP/test.tsv", "QQP.tsv"),
  /** MNLI matched: the task's own genres, submitted as MNLI-m.tsv. */
  MNLI_M(GlueTask.MNLI, "MNLI-m", "MNLI/dev_matched.tsv", "MNLI/test_matched.tsv", "MNLI-m.tsv"),
  /** MNLI mismatched: genres not seen in training, submitted as MNLI-mm.tsv. */
  MNLI_MM(GlueTask.MNLI, "MNLI-mm", "MNLI/dev_mismatched.tsv", "MNLI/test_mismatched.tsv", "MNLI-mm.tsv"),
  /** QNLI: dev and test, submitted as QNLI.tsv. */
  QNLI(GlueTask.QNLI, "QNLI", "QNLI/dev.tsv", "QNLI/test.tsv", "QNLI.tsv"),
  /** RTE: dev and test, submitted as RTE.tsv. */
  RTE(GlueTask.RTE, "RTE", "RTE/dev.tsv", "RTE/test.tsv", "RTE.tsv"),
  /** WNLI: dev and test, submitted as WNLI.tsv. */
  WNLI(GlueTask.WNLI, "WNLI", "WNLI/dev.tsv", "WNLI/test.tsv", "WNLI.tsv"),
  /** The diagnostic: MNLI-style pairs with hidden labels, predicted by the MNLI model. */
  AX(GlueTask.MNLI, "AX", null, "diagnostic/diagnostic.tsv", "AX.tsv");

  private final GlueTask task;
  private final String displayName;
  private final @Nullable String devFile;
  private final String testFile;
  private final String submissionFile;

  GlueEvalSet(GlueTask task, String displayName, @Nullable String devFile, String testFile,
      String submissionFile) {
    this.task = task;
    this.displayName = displayName;
    this.devFile = devFile;
    this.testFile = testFile;
    this.submissionFile = submissionFile;
  }

  /** The task whose model predicts this set (MNLI for MNLI-m, MNLI-mm and AX). */
  public GlueTask task() {
    return task;
  }

  /** The leaderboard name: "CoLA", "MNLI-m", "MNLI-mm", "AX", … */
  public String displayName() {
    return displayName;
  }

  /** The labelled dev file relative to the GLUE directory; empty for AX, which has none. */
  public Optional<String> devFile() {
    return Optional.ofNullable(devFile);
  }

  /** The unlabelled test file relative to the GLUE directory. */
  public String testFile() {
    return testFile;
  }

  /** The layout of the test file: the task's, except AX's {@code index, sentence1, sentence2}. */
  Columns testColumns() {
    return this == AX ? new Columns(true, 0, 1, 2, Columns.NONE) : task.testColumns();
  }

  /** The file name GLUE's submission server expects for this set's test predictions: "MNLI-mm.tsv". */
  public String submissionFile() {
    return submissionFile;
  }

  /** The dev file under a GLUE directory; empty for AX. */
  public Optional<Path> devPath(Path glueDir) {
    requireNonNull(glueDir, "glueDir");
    return devFile().map(glueDir::resolve);
  }

  /** The test file under a GLUE directory. */
  public Path testPath(Path glueDir) {
    return glueDir.resolve(testFile);
  }

  static GlueEvalSet primaryOf(GlueTask task) {
    return switch (task) {
      case COLA -> COLA;
      case SST2 -> SST2;
      case MRPC -> MRPC;
      case STSB -> STSB;
      case QQP -> QQP;
      case MNLI -> MNLI_M;
      case QNLI -> QNLI;
      case RTE -> RTE;
      case WNLI -> WNLI;
    };
  }
}
