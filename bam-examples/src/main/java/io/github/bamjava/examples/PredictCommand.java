package io.github.bamjava.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.train.BamModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bam predict}: a saved model's head for one task on new sentences, one output line per input.
 *
 * <p>Output lines are tab-separated so that scripts can cut them: {@code label<TAB>probability<TAB>text} for
 * classification, {@code value<TAB>text} for regression (on the task's own scale, e.g. 0-5 for STS-B).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    header = "Predict with a saved model on new sentences.",
    description = {"Predict with a saved model (a model/ directory written by training).",
        "Each input is a sentence, or a pair written as 'first<TAB>second' (on the command line also",
        "'first ||| second'). Prints label<TAB>probability<TAB>text, or value<TAB>text for regression.", ""})
final class PredictCommand implements Callable<Integer> {

  /** Separates the two sentences of a pair given as a command-line argument, where a tab is awkward. */
  static final String PAIR_SEPARATOR = " ||| ";

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A saved model directory (with tasks.json), e.g. runs/quickstart/student/model.")
  Path model;

  @Option(names = "--task", required = true, paramLabel = "NAME", description = "The task head to use, e.g. SST-2.")
  String task;

  @Option(names = "--input", paramLabel = "FILE",
      description = "A file with one input per line ('-' for standard input); empty lines are skipped.")
  Path input;

  @Option(names = "--device", paramLabel = "DEVICE", converter = DeviceConverter.class,
      description = "cpu, gpu or gpu:N (default: DJL's default device: the first GPU where the engine has CUDA).")
  Device device;

  @Option(names = "--max-length", defaultValue = "128", paramLabel = "N",
      description = "Longest input in tokens (default: ${DEFAULT-VALUE}).")
  int maxLength;

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
    List<String> lines = input == null ? sentences : readLines(input);
    List<Example> examples = new ArrayList<>();
    for (String line : lines) {
      examples.add(parse(Integer.toString(examples.size()), line));
    }
    PrintWriter out = spec.commandLine().getOut();
    NDManager manager = device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device);
    try (BamModel m = BamModel.load(model, manager)) {
      TaskKind kind = m.kind(task);
      float[][] outputs = m.predict(task, examples, maxLength);
      for (int i = 0; i < examples.size(); i++) {
        out.println(format(kind, outputs[i]) + "\t" + lines.get(i).strip());
      }
    }
    out.flush();
    return 0;
  }

  private static List<String> readLines(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader in = file.toString().equals("-")
        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
        : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.isBlank()) {
          lines.add(line);
        }
      }
    }
    return lines;
  }

  /** One input: a single sentence, or a pair split at the first tab (or {@value #PAIR_SEPARATOR}). */
  static Example parse(String id, String line) {
    int tab = line.indexOf('\t');
    if (tab >= 0) {
      return Example.pair(id, line.substring(0, tab), line.substring(tab + 1), null);
    }
    int sep = line.indexOf(PAIR_SEPARATOR);
    if (sep >= 0) {
      return Example.pair(id, line.substring(0, sep), line.substring(sep + PAIR_SEPARATOR.length()), null);
    }
    return Example.of(id, line, null);
  }

  /** "label<TAB>probability" of the most likely class, or the regression value on the task's scale. */
  static String format(TaskKind kind, float[] output) {
    if (kind instanceof TaskKind.Regression r) {
      return String.format(Locale.ROOT, "%.3f", r.unscale(output[0]));
    }
    TaskKind.Classification c = (TaskKind.Classification) kind;
    int best = 0;
    for (int j = 1; j < output.length; j++) {
      if (output[j] > output[best]) {
        best = j;
      }
    }
    return String.format(Locale.ROOT, "%s\t%.4f", c.labels().get(best), output[best]);
  }
}
