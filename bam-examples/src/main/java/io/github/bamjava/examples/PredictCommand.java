package io.github.bamjava.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.runtime.MallocSettings;
import io.github.bamjava.runtime.RunStoppedException;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.TaskKind;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bam predict}: a saved model's head for one task on new sentences, one output line per input line.
 *
 * <p>Output lines are tab-separated so that scripts can cut them: {@code label<TAB>probability<TAB>text} for
 * classification, {@code value<TAB>text} for regression (on the task's own scale, e.g. 0-5 for STS-B); with
 * {@code --logits}, the head's raw outputs instead ({@link #formatLogits}). Inputs are read, predicted and
 * written a window at a time ({@link BamModel#predict(String, java.util.Iterator, int,
 * io.github.bamjava.predict.PredictionSink)}), so memory stays flat in the input's size, and each window is
 * flushed: a stop keeps every row written, and the message says how far it got.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    header = "Predict with a saved model on new sentences.",
    description = {"Predict with a saved model (a model/ directory written by training).",
        "Each input is a sentence, or a pair written as 'first<TAB>second'",
        "(on the command line also 'first ||| second'). Prints",
        "label<TAB>probability<TAB>text, or value<TAB>text for regression: one output",
        "line per input line, in UTF-8, written as it goes.", ""})
final class PredictCommand implements Callable<Integer> {

  /** Separates the two sentences of a pair given as a command-line argument, where a tab is awkward. */
  static final String PAIR_SEPARATOR = " ||| ";

  @Spec CommandSpec spec;

  /** How long a prediction runs before it reports progress on standard error, and then how often. */
  @Option(names = "--progress-seconds", defaultValue = "10", hidden = true, paramLabel = "S")
  int progressSeconds;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A saved model directory (with tasks.json), e.g. runs/quickstart/student/model.")
  Path model;

  @Option(names = "--task", required = true, paramLabel = "NAME", description = "The task head to use, e.g. SST-2.")
  String task;

  @Option(names = "--input", paramLabel = "FILE",
      description = "A UTF-8 file with one input per line ('-' for standard input), read as it is predicted.")
  Path input;

  @Option(names = "--on-bad-line", defaultValue = "fail", paramLabel = "fail|empty|error",
      description = {"A line that is not an input (blank, more than one separator, an empty side of a pair,"
          + " not UTF-8): fail stops with an error naming it (default); empty writes an empty line in its place;"
          + " error writes ERROR<TAB>what is wrong. Either way output line N answers input line N."})
  PredictionRows.BadLine onBadLine;

  @Option(names = "--device", paramLabel = "DEVICE", converter = DeviceConverter.class,
      description = "cpu, gpu or gpu:N (default: DJL's default device: the first GPU where the engine has CUDA).")
  Device device;

  @Option(names = "--max-length", defaultValue = "128", paramLabel = "N",
      description = "Longest input in tokens (default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--logits",
      description = {"Print the head's raw outputs instead: every label's logit (tab-separated, in the order of the",
          "task's labels) for classification, the unclamped score on the task's scale for regression; what a",
          "model written by 'bam export' gives as its logits."})
  boolean logits;

  @Mixin ThreadsOption threads;

  @Parameters(paramLabel = "SENTENCE", arity = "0..*", description = "Inputs to predict (instead of --input).")
  List<String> sentences = List.of();

  @Override
  public Integer call() throws IOException {
    if ((input == null) == sentences.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "give either --input FILE or sentences, not "
          + (input == null ? "neither" : "both"));
    }
    if (maxLength < 3) {
      throw new ParameterException(spec.commandLine(), "--max-length must be >= 3, got " + maxLength);
    }
    if (input != null && Files.isDirectory(input)) {
      throw new ParameterException(spec.commandLine(), "--input " + input + " is a directory, not a file");
    }
    threads.apply(spec);
    // A process of its own that only predicts: keep its memory flat over any number of batches (MallocSettings).
    MallocSettings.forPrediction();
    try (InputLines lines = input == null ? InputLines.of(sentences) : InputLines.of(input)) {
      // Read before the model loads: an empty input is a mistake to report at once, not after a minute's load.
      InputLines.Line first = lines.next();
      if (first == null) {
        throw new IOException(lines.source() + " is empty: there are no lines to predict");
      }
      try (NDManager manager = TorchEngine.newManager(device); BamModel m = BamModel.load(model, manager)) {
        predict(m, first, lines);
      }
    }
    return 0;
  }

  private void predict(BamModel m, InputLines.Line first, InputLines lines) throws IOException {
    TaskKind kind = m.kind(task);
    int length = maxLength(m);
    PredictionRows rows = new PredictionRows(first, lines, m.inputs(task), "the head of " + task + " in " + model,
        kind, logits, onBadLine, output(), spec.commandLine().getErr(), Duration.ofSeconds(progressSeconds));
    try {
      if (logits) {
        m.predictLogits(task, rows, length, rows);
      } else {
        m.predict(task, rows, length, rows);
      }
      rows.finish();
    } catch (RunStoppedException e) {
      throw new RunStoppedException(String.format("stopped on request: the output has the rows of the first %,d"
          + " %ss of %s, %s %d onwards was not predicted", rows.written(), lines.unit(), lines.source(),
          lines.unit(), rows.written() + 1));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (PredictionRows.WrongFormException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage() + "; " + written(rows, lines), e);
    } catch (PredictionRows.BadLineException e) {
      throw new IllegalArgumentException(e.getMessage() + "; " + written(rows, lines) + "; "
          + PredictionRows.BadLineException.HINT, e);
    }
  }

  /** Says how far the output got before an input stopped the prediction. */
  private static String written(PredictionRows rows, InputLines lines) {
    if (rows.written() == 0) {
      return "nothing was written";
    }
    return rows.written() == 1 ? "the output has the row of the " + lines.unit() + " before it"
        : String.format("the output has the rows of the %,d %ss before it", rows.written(), lines.unit());
  }

  /** The model's longest input: {@code --max-length}, or the model's positions when it has fewer than the default. */
  private int maxLength(BamModel m) {
    int positions = m.network().encoder().config().maxSequenceLength();
    if (maxLength <= positions) {
      return maxLength;
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--max-length")) {
      throw new ParameterException(spec.commandLine(), String.format("--max-length %d is longer than the"
          + " model's %d positions (max_position_embeddings in %s)", maxLength, positions,
          model.resolve("config.json")));
    }
    return positions; // the default suits BERT's 512 positions, not a model with fewer
  }

  /**
   * Where the rows go: the process's standard output as UTF-8, through a stream that reports write errors
   * ({@code System.out} swallows them, so a full disk or a closed pipe would end in exit code 0), or the writer
   * a caller (a test) gave the command line.
   */
  private Writer output() {
    PrintWriter out = spec.commandLine().getOut();
    if (out instanceof BamCli.StandardOutput) {
      out.flush();
      return new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
          StandardCharsets.UTF_8), 1 << 16);
    }
    return out;
  }

  /**
   * What keeps {@code line} from being an input, or null when it is one: blank, more than one separator, or an
   * empty side of a pair. Said after the line's place ("line 3 of in.tsv is blank").
   */
  static @Nullable String problem(String line) {
    if (line.isBlank()) {
      return "is blank";
    }
    for (String separator : List.of("\t", PAIR_SEPARATOR)) {
      int at = line.indexOf(separator);
      if (at < 0) {
        continue;
      }
      String shown = separator.equals("\t") ? "<TAB>" : separator.strip();
      if (line.indexOf(separator, at + separator.length()) >= 0) {
        return String.format("has more than one %s: an input is a sentence or a pair 'first%ssecond'", shown,
            separator.equals("\t") ? shown : separator);
      }
      boolean firstEmpty = line.substring(0, at).isBlank();
      if (firstEmpty || line.substring(at + separator.length()).isBlank()) {
        return String.format("has an empty %s sentence: a pair needs text on both sides of %s",
            firstEmpty ? "first" : "second", shown);
      }
      return null;
    }
    return null;
  }

  /**
   * One input: a single sentence, or a pair split at its tab (or {@value #PAIR_SEPARATOR}). A blank line, more
   * than one separator (split at the first, the rest would join the second sentence unseen) or an empty side of
   * a pair is an error ({@link #problem}).
   *
   * @param where the input's place for an error message ("line 3 of in.tsv")
   */
  static Example parse(String id, String line, String where) {
    String problem = problem(line);
    if (problem != null) {
      throw new IllegalArgumentException(where + " " + problem);
    }
    for (String separator : List.of("\t", PAIR_SEPARATOR)) {
      int at = line.indexOf(separator);
      if (at >= 0) {
        return Example.pair(id, line.substring(0, at), line.substring(at + separator.length()), null);
      }
    }
    return Example.of(id, line, null);
  }

  /** "label<TAB>probability" of the most likely class, or the regression value on the task's scale (clamped). */
  static String format(TaskKind kind, float[] output) {
    if (kind instanceof TaskKind.Regression r) {
      return String.format(Locale.ROOT, "%.3f", Evaluation.prediction(r, output));
    }
    TaskKind.Classification c = (TaskKind.Classification) kind;
    int best = (int) Evaluation.prediction(kind, output);
    return String.format(Locale.ROOT, "%s\t%.4f", c.labels().get(best), output[best]);
  }

  /**
   * The raw outputs, each printed as the shortest decimal that reads back as the same float: the logits, or the
   * regression value on the task's scale without clamping.
   */
  static String formatLogits(TaskKind kind, float[] output) {
    if (kind instanceof TaskKind.Regression r) {
      return Float.toString((float) r.unscale(output[0]));
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < output.length; k++) {
      sb.append(k == 0 ? "" : "\t").append(Float.toString(output[k]));
    }
    return sb.toString();
  }
}
