package io.github.bamjava.glue;

import static io.github.bamjava.glue.Columns.NONE;

import com.google.common.collect.ImmutableList;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetric;
import io.github.bamjava.task.TaskMetrics;
import java.util.List;

/**
 * The nine GLUE tasks: what each predicts, how it is scored and how its files are laid out.
 *
 * <p>A task is what a model is trained on. What a model is <em>evaluated</em> on is a {@link GlueEvalSet}: one per
 * task, except that MNLI has two (matched and mismatched) and also predicts the AX diagnostic.
 *
 * <p>Label names are in the order GLUE's own releases number them (TensorFlow Datasets and HuggingFace
 * {@code glue}): a label's position is its index, the value that metrics, heads and predictions use. Binary
 * tasks put the positive class at index 1, which {@link TaskMetrics#F1} relies on.
 */
public enum GlueTask {
  /** Corpus of Linguistic Acceptability: is the sentence grammatical? No header in train/dev. */
  COLA("CoLA", binary(), false, ImmutableList.of(TaskMetrics.MATTHEWS),
      // 0 source, 1 label, 2 author's mark, 3 sentence
      new Columns(false, NONE, 3, NONE, 1),
      new Columns(false, NONE, 3, NONE, 1),
      // index, sentence
      new Columns(true, 0, 1, NONE, NONE)),
  /** Stanford Sentiment Treebank, binary: is the sentence positive? */
  SST2("SST-2", binary(), false, ImmutableList.of(TaskMetrics.ACCURACY),
      // sentence, label
      new Columns(true, NONE, 0, NONE, 1),
      new Columns(true, NONE, 0, NONE, 1),
      // index, sentence
      new Columns(true, 0, 1, NONE, NONE)),
  /** Microsoft Research Paraphrase Corpus: are the sentences paraphrases? Header starts with a BOM. */
  MRPC("MRPC", binary(), true, ImmutableList.of(TaskMetrics.F1, TaskMetrics.ACCURACY),
      // Quality, #1 ID, #2 ID, #1 String, #2 String (the ids are sentence ids, not row ids)
      new Columns(true, NONE, 3, 4, 0),
      new Columns(true, NONE, 3, 4, 0),
      // index, #1 ID, #2 ID, #1 String, #2 String
      new Columns(true, 0, 3, 4, NONE)),
  /** Semantic Textual Similarity Benchmark: a similarity score from 0 to 5. */
  STSB("STS-B", new TaskKind.Regression(0, 5), true, ImmutableList.of(TaskMetrics.PEARSON, TaskMetrics.SPEARMAN),
      // index, genre, filename, year, old_index, source1, source2, sentence1, sentence2, score
      new Columns(true, 0, 7, 8, 9),
      new Columns(true, 0, 7, 8, 9),
      new Columns(true, 0, 7, 8, NONE)),
  /** Quora Question Pairs: are the questions duplicates? */
  QQP("QQP", binary(), false, ImmutableList.of(TaskMetrics.F1, TaskMetrics.ACCURACY),
      // id, qid1, qid2, question1, question2, is_duplicate
      new Columns(true, 0, 3, 4, 5),
      new Columns(true, 0, 3, 4, 5),
      // id, question1, question2
      new Columns(true, 0, 1, 2, NONE)),
  /** Multi-Genre NLI; dev and test come matched and mismatched (see {@link GlueEvalSet}). */
  MNLI("MNLI", TaskKind.Classification.of("entailment", "neutral", "contradiction"), false,
      ImmutableList.of(TaskMetrics.ACCURACY),
      // index, promptID, pairID, genre, 4 parse columns, 8 sentence1, 9 sentence2, 10 label1, 11 gold_label
      new Columns(true, 0, 8, 9, 11),
      // as train, then label1..label5 in 10-14 and gold_label in 15
      new Columns(true, 0, 8, 9, 15),
      new Columns(true, 0, 8, 9, NONE)),
  /** Question NLI: does the sentence answer the question? */
  QNLI("QNLI", entailment(), false, ImmutableList.of(TaskMetrics.ACCURACY),
      // index, question, sentence, label
      new Columns(true, 0, 1, 2, 3),
      new Columns(true, 0, 1, 2, 3),
      new Columns(true, 0, 1, 2, NONE)),
  /** Recognizing Textual Entailment. */
  RTE("RTE", entailment(), false, ImmutableList.of(TaskMetrics.ACCURACY),
      // index, sentence1, sentence2, label
      new Columns(true, 0, 1, 2, 3),
      new Columns(true, 0, 1, 2, 3),
      new Columns(true, 0, 1, 2, NONE)),
  /** Winograd NLI. */
  WNLI("WNLI", binary(), false, ImmutableList.of(TaskMetrics.ACCURACY),
      // index, sentence1, sentence2, label
      new Columns(true, 0, 1, 2, 3),
      new Columns(true, 0, 1, 2, 3),
      new Columns(true, 0, 1, 2, NONE));

  private final String dirName;
  private final TaskKind kind;
  private final boolean symmetricPair;
  private final ImmutableList<TaskMetric> metrics;
  private final Columns trainColumns;
  private final Columns devColumns;
  private final Columns testColumns;

  GlueTask(String dirName, TaskKind kind, boolean symmetricPair, ImmutableList<TaskMetric> metrics,
      Columns trainColumns, Columns devColumns, Columns testColumns) {
    this.dirName = dirName;
    this.kind = kind;
    this.symmetricPair = symmetricPair;
    this.metrics = metrics;
    this.trainColumns = trainColumns;
    this.devColumns = devColumns;
    this.testColumns = testColumns;
  }

  /** The task's folder in a GLUE directory and its name in tables: "CoLA", "SST-2", "STS-B", … */
  public String dirName() {
    return dirName;
  }

  /** What the task predicts: its label names in GLUE's order, or STS-B's range [0, 5]. */
  public TaskKind kind() {
    return kind;
  }

  /** The label names in index order; empty for STS-B, a regression. */
  public List<String> labels() {
    return kind instanceof TaskKind.Classification c ? c.labels() : List.of();
  }

  /** The task's metrics, headline first; its score is their mean. */
  public List<TaskMetric> metrics() {
    return metrics;
  }

  /**
   * Whether the pair's meaning does not depend on sentence order (MRPC, STS-B), so a trainer may also train on
   * (B, A), as the original BAM code does.
   */
  public boolean symmetricPair() {
    return symmetricPair;
  }

  /** Whether the task's examples are sentence pairs (all but CoLA and SST-2). */
  public boolean isPair() {
    return trainColumns.pair();
  }

  /** The layout of {@code train.tsv}. */
  Columns trainColumns() {
    return trainColumns;
  }

  /** The layout of the dev file(s). */
  Columns devColumns() {
    return devColumns;
  }

  /** The layout of the test file(s). */
  Columns testColumns() {
    return testColumns;
  }

  /** The training file, relative to the GLUE directory: "CoLA/train.tsv". */
  public String trainFile() {
    return dirName + "/train.tsv";
  }

  /** The evaluation set whose dev examples become the task's dev split: MNLI's is matched. */
  public GlueEvalSet primaryEvalSet() {
    return GlueEvalSet.primaryOf(this);
  }

  /** This task's evaluation sets: its primary one, and for MNLI also MNLI-mm and AX. */
  public List<GlueEvalSet> evalSets() {
    ImmutableList.Builder<GlueEvalSet> sets = ImmutableList.builder();
    for (GlueEvalSet set : GlueEvalSet.values()) {
      if (set.task() == this) {
        sets.add(set);
      }
    }
    return sets.build();
  }

  /** The task with the given name, as in {@link #dirName()} or the constant's name, ignoring case. */
  public static GlueTask byName(String name) {
    for (GlueTask t : values()) {
      if (t.dirName.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(String.format(
        "unknown GLUE task '%s'; known: CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI", name));
  }

  private static TaskKind binary() {
    return TaskKind.Classification.of("0", "1");
  }

  private static TaskKind entailment() {
    return TaskKind.Classification.of("entailment", "not_entailment");
  }
}
