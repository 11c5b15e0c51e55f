package io.github.bamjava.glue;

import io.github.bamjava.task.TrainCap;
import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a GLUE directory in the standard layout ({@code <dir>/<TaskDir>/train.tsv}, {@code dev.tsv},
 * {@code test.tsv}; MNLI's {@code dev_matched.tsv}, {@code dev_mismatched.tsv}, {@code test_matched.tsv},
 * {@code test_mismatched.tsv}; {@code <dir>/diagnostic/diagnostic.tsv}) into {@link Task}s.
 *
 * <p>Rows are split on tabs with no quote handling, as GLUE's files are written: a CSV reader that honours
 * quotes merges rows whose sentence starts with {@code "}. A byte order mark before the first line (MRPC) is
 * dropped. Every row is checked when read (exactly its layout's number of columns, a known label, a unique id),
 * so a bad file fails here with a {@link GlueFormatException} that names the file and line, never later in
 * training. Files must be UTF-8 (invalid bytes are an error, never replaced), and a file that exists must hold
 * at least one example: an empty dev file fails when it is read, not when it is scored after training.
 *
 * <p>Example ids are the file's index column where it has one, else the 0-based data row number (the header
 * does not count). {@link #read(GlueTask)} gives a task whose dev split is its {@linkplain
 * GlueTask#primaryEvalSet() primary evaluation set} (MNLI: matched); the other sets, MNLI-mm and AX, are read
 * with {@link #readDev(GlueEvalSet)} and {@link #readTest(GlueEvalSet)}.
 */
public final class GlueReader {

  private final Path dir;
  private final TrainCap defaultCap;
  private final Map<GlueTask, TrainCap> caps;

  private GlueReader(Builder b) {
    this.dir = b.dir;
    this.defaultCap = b.defaultCap;
    this.caps = new EnumMap<>(b.caps);
  }

  /** A reader of the GLUE directory {@code dir} that keeps every training example. */
  public static GlueReader of(Path dir) {
    return builder(dir).build();
  }

  /** A builder of a reader of the GLUE directory {@code dir}, to cap the training examples per task. */
  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /**
   * The tasks present in {@code dir}: those whose training file and primary dev file both exist. Test files are
   * optional (a directory made for training alone has none).
   */
  public static Set<GlueTask> availableTasks(Path dir) {
    Set<GlueTask> found = EnumSet.noneOf(GlueTask.class);
    for (GlueTask task : GlueTask.values()) {
      Path dev = task.primaryEvalSet().devPath(dir).orElseThrow();
      if (Files.isRegularFile(dir.resolve(task.trainFile())) && Files.isRegularFile(dev)) {
        found.add(task);
      }
    }
    return found;
  }

  /** The GLUE directory this reader reads. */
  public Path dir() {
    return dir;
  }

  /**
   * Reads a task: its training examples (capped as configured), the labelled dev examples of its primary
   * evaluation set and, when the file exists, that set's unlabelled test examples.
   *
   * @throws NoSuchFileException naming the expected path when the training or dev file is missing
   * @throws GlueFormatException naming file and line for a malformed row or invalid UTF-8, and the file when it
   *     has no examples
   */
  public Task read(GlueTask task) throws IOException {
    GlueEvalSet primary = task.primaryEvalSet();
    List<Example> train = readTrain(task, caps.getOrDefault(task, defaultCap));
    List<Example> dev = readDev(primary);
    List<Example> test = hasTest(primary) ? readTest(primary) : List.of();
    List<TaskMetric> metrics = task.metrics();
    return Task.builder(task.dirName(), task.kind())
        .setTrain(train)
        .optDev(dev)
        .optTest(test)
        .optMetrics(metrics.toArray(new TaskMetric[0]))
        .build();
  }

  /** Reads several tasks, in the order given. */
  public List<Task> readAll(Collection<GlueTask> tasks) throws IOException {
    ImmutableList.Builder<Task> out = ImmutableList.builder();
    for (GlueTask task : tasks) {
      out.add(read(task));
    }
    return out.build();
  }

  /** Whether the labelled dev file of {@code set} exists (MNLI-mm's is missing from some copies; AX has none). */
  public boolean hasDev(GlueEvalSet set) {
    return set.devPath(dir).map(Files::isRegularFile).orElse(false);
  }

  /** Whether the unlabelled test file of {@code set} exists. */
  public boolean hasTest(GlueEvalSet set) {
    return Files.isRegularFile(set.testPath(dir));
  }

  /**
   * The labelled dev examples of an evaluation set, such as {@link GlueEvalSet#MNLI_MM}.
   *
   * @throws IllegalArgumentException for AX, which has no dev set
   * @throws NoSuchFileException naming the expected path when the file is missing
   */
  public List<Example> readDev(GlueEvalSet set) throws IOException {
    checkArgument(set.devFile().isPresent(), "%s has no dev set, only a test set", set.displayName());
    return readFile(set.task(), set.devPath(dir).orElseThrow(), set.task().devColumns());
  }

  /**
   * The unlabelled test examples of an evaluation set, ids from the file's index column, in file order (the
   * order of the submission file).
   *
   * @throws NoSuchFileException naming the expected path when the file is missing
   */
  public List<Example> readTest(GlueEvalSet set) throws IOException {
    return readFile(set.task(), set.testPath(dir), set.testColumns());
  }

  /**
   * A task's training examples under its cap, with memory bounded by the cap, not the file: every row is read
   * and checked as it streams past, and only the kept ones are held. The first pass keeps the first
   * {@code limit} rows, which is all a file no longer than the cap or a first-N cap needs; a random cap over a
   * longer file chooses its rows from the count ({@link TrainCap#choose}, the same rows as ever) and a second
   * pass keeps them.
   */
  private List<Example> readTrain(GlueTask task, TrainCap cap) throws IOException {
    Path file = dir.resolve(task.trainFile());
    List<Example> first = new ArrayList<>();
    int rows = scan(task, file, task.trainColumns(), true, (row, e) -> {
      if (row < cap.limit()) {
        first.add(e);
      }
    });
    if (rows <= cap.limit() || !cap.random()) {
      return first;
    }
    first.clear();
    int[] chosen = cap.choose(rows);
    List<Example> kept = new ArrayList<>(chosen.length);
    int[] next = {0};
    scan(task, file, task.trainColumns(), false, (row, e) -> {
      if (next[0] < chosen.length && chosen[next[0]] == row) {
        kept.add(e);
        next[0]++;
      }
    });
    return kept;
  }

  private static List<Example> readFile(GlueTask task, Path file, Columns columns) throws IOException {
    List<Example> examples = new ArrayList<>();
    scan(task, file, columns, true, (row, e) -> examples.add(e));
    return examples;
  }

  /** Takes the rows of a file as {@link #scan} reads them. */
  @FunctionalInterface
  private interface RowConsumer {
    void accept(int row, Example example);
  }

  /**
   * Reads every row of {@code file}, checks it and hands it to {@code rows} with its 0-based data row number;
   * returns the number of rows.
   *
   * @param checkIds whether to check that ids are unique (a second pass over a checked file need not)
   */
  private static int scan(GlueTask task, Path file, Columns columns, boolean checkIds, RowConsumer rows)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, String.format(
          "GLUE %s: expected the file %s (standard GLUE layout: <glue dir>/%s/...)",
          task.dirName(), file.toAbsolutePath(), task.dirName()));
    }
    // Row numbers are unique ids by construction; the file's own ids are checked.
    UniqueIds ids = checkIds && columns.id() != Columns.NONE ? new UniqueIds() : null;
    int row = 0;
    try (TsvLines lines = new TsvLines(file)) {
      String line = lines.next();
      if (columns.header() && line != null) {
        checkIsHeader(task, columns, line, file);
        line = lines.next();
      }
      for (; line != null; line = lines.next(), row++) {
        Example e = parse(task, columns, line, row, file, lines.lineNumber());
        if (ids != null) {
          ids.add(e.id());
        }
        rows.accept(row, e);
      }
    }
    // An empty split is never meant: it is a truncated or mis-copied file. Caught here, when the data is read,
    // an empty dev set stops a run before training instead of when it is scored.
    if (row == 0) {
      throw new GlueFormatException(file, String.format("no examples: the %s file has no rows%s", task.dirName(),
          columns.header() ? " after its header line" : ""));
    }
    if (ids != null && ids.maybeRepeated()) {
      findRepeatedId(task, file, columns, ids);
    }
    return row;
  }

  /**
   * Throws, naming the line, for the first id that repeats an earlier one, where {@link UniqueIds} found ids
   * that may repeat (their hashes do); returns when none does (ids whose hashes merely collide).
   */
  private static void findRepeatedId(GlueTask task, Path file, Columns columns, UniqueIds ids)
      throws IOException {
    Set<String> seen = new HashSet<>();
    try (TsvLines lines = new TsvLines(file)) {
      String line = lines.next();
      if (columns.header() && line != null) {
        line = lines.next();
      }
      for (int row = 0; line != null; line = lines.next(), row++) {
        String id = parse(task, columns, line, row, file, lines.lineNumber()).id();
        if (ids.isSuspect(id) && !seen.add(id)) {
          throw new GlueFormatException(file, lines.lineNumber(), "duplicate example id '" + id + "'");
        }
      }
    }
  }

  /**
   * Refuses a first line that reads as an example where the layout has a header: a file exported without its
   * header would otherwise lose its first example without a word (one row short in a submission). A header's
   * label column holds a column name, never a label; an unlabelled file's index column holds "index" or "id".
   */
  private static void checkIsHeader(GlueTask task, Columns columns, String line, Path file)
      throws GlueFormatException {
    String[] f = line.split("\t", -1);
    if (f.length != columns.width()) {
      return; // not a well-formed example either: the header check has nothing to say
    }
    boolean example;
    if (columns.labelled()) {
      try {
        checkLabel(task, f[columns.label()].trim(), file, 1);
        example = true;
      } catch (GlueFormatException e) {
        example = false;
      }
    } else {
      example = columns.id() != Columns.NONE && f[columns.id()].trim().matches("\\d+");
    }
    if (example) {
      throw new GlueFormatException(file, 1, String.format("the %s file's first line should be its header, but it"
          + " reads as an example; was the file saved without its header line?", task.dirName()));
    }
  }

  private static Example parse(GlueTask task, Columns columns, String line, int row, Path file, int lineNumber)
      throws GlueFormatException {
    // No quote handling on purpose: GLUE writes fields raw, and '"' is ordinary text in them.
    String[] f = line.split("\t", -1);
    if (f.length < columns.width()) {
      throw new GlueFormatException(file, lineNumber, String.format(
          "%s row has %d column(s), expected %d", task.dirName(), f.length, columns.width()));
    }
    // Extra columns are never ignored: they come from a tab inside a text field, which would otherwise cut the
    // sentence at the tab without a word, and where the label follows the text (MNLI dev: label5 in place of
    // gold_label) read the wrong column as the label.
    if (f.length > columns.width()) {
      throw new GlueFormatException(file, lineNumber, String.format(
          "%s row has %d column(s), expected %d: a tab inside a text field? GLUE fields cannot contain tabs",
          task.dirName(), f.length, columns.width()));
    }
    String id = columns.id() == Columns.NONE ? Integer.toString(row) : f[columns.id()].trim();
    if (id.isEmpty()) {
      throw new GlueFormatException(file, lineNumber, "empty example id in column " + columns.id());
    }
    String label = null;
    if (columns.labelled()) {
      label = f[columns.label()].trim();
      checkLabel(task, label, file, lineNumber);
    }
    String textB = columns.pair() ? f[columns.textB()] : null;
    return new Example(id, f[columns.textA()], textB, label);
  }

  private static void checkLabel(GlueTask task, String label, Path file, int lineNumber)
      throws GlueFormatException {
    if (task.kind() instanceof TaskKind.Classification c) {
      if (!c.labels().contains(label)) {
        throw new GlueFormatException(file, lineNumber, String.format(
            "label '%s' is not in %s's label space %s", label, task.dirName(), c.labels()));
      }
      return;
    }
    TaskKind.Regression r = (TaskKind.Regression) task.kind();
    double value;
    try {
      value = Double.parseDouble(label);
    } catch (NumberFormatException e) {
      throw new GlueFormatException(file, lineNumber, String.format(
          "%s score '%s' is not a number", task.dirName(), label));
    }
    if (!(value >= r.min() && value <= r.max())) {
      throw new GlueFormatException(file, lineNumber, String.format(
          "%s score %s is outside [%s, %s]", task.dirName(), label, r.min(), r.max()));
    }
  }

  /** Configures a {@link GlueReader}: the directory and optional caps on training examples. */
  public static final class Builder {
    private final Path dir;
    private TrainCap defaultCap = TrainCap.all();
    private final Map<GlueTask, TrainCap> caps = new EnumMap<>(GlueTask.class);

    private Builder(Path dir) {
      this.dir = requireNonNull(dir, "dir");
    }

    /** The cap for every task without its own; default {@link TrainCap#all()}. */
    public Builder optTrainCap(TrainCap cap) {
      this.defaultCap = requireNonNull(cap, "cap");
      return this;
    }

    /** The caps of a whole budget: its default cap and every task's own. */
    public Builder optTrainBudget(TrainBudget budget) {
      optTrainCap(budget.otherwise());
      budget.perTask().forEach(this::optTrainCap);
      return this;
    }

    /** The cap for one task, overriding the default cap. */
    public Builder optTrainCap(GlueTask task, TrainCap cap) {
      caps.put(requireNonNull(task, "task"), requireNonNull(cap, "cap"));
      return this;
    }

    /**
     * Builds the reader.
     *
     * @throws IllegalArgumentException when the directory does not exist
     */
    public GlueReader build() {
      checkArgument(Files.isDirectory(dir), "GLUE directory %s does not exist or is not a directory",
          dir.toAbsolutePath());
      return new GlueReader(this);
    }
  }
}
