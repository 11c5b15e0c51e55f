package io.github.bamjava.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Inputs;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.train.BamModel;
import io.github.bamjava.train.BatchPredictor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
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
 * classification, {@code value<TAB>text} for regression (on the task's own scale, e.g. 0-5 for STS-B); with
 * {@code --logits}, the head's raw outputs instead ({@link #formatLogits}).
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

  @Option(names = "--logits",
      description = {"Print the head's raw outputs instead: every label's logit (tab-separated, in the order of the",
          "task's labels) for classification, the unclamped score on the task's scale for regression; what a",
          "model written by 'bam export' gives as its logits."})
  boolean logits;

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
    List<Input> inputs = input == null ? arguments(sentences) : readLines(input);
    List<Example> examples = new ArrayList<>();
    for (Input in : inputs) {
      examples.add(parse(Integer.toString(examples.size()), in.text(), in.place()));
    }
    PrintWriter out = spec.commandLine().getOut();
    NDManager manager = device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device);
    try (BamModel m = BamModel.load(model, manager)) {
      TaskKind kind = m.kind(task);
      checkInputs(m.inputs(task), examples, inputs);
      int positions = m.network().encoder().config().maxSequenceLength();
      int length = maxLength;
      if (length > positions) {
        if (spec.commandLine().getParseResult().hasMatchedOption("--max-length")) {
          throw new ParameterException(spec.commandLine(), String.format("--max-length %d is longer than the"
              + " model's %d positions (max_position_embeddings in %s)", maxLength, positions,
              model.resolve("config.json")));
        }
        length = positions; // the default suits BERT's 512 positions, not a model with fewer
      }
      float[][] outputs = logits
          ? new BatchPredictor(m.network(), m.tokenizer(), length, BatchPredictor.DEFAULT_BATCH_SIZE)
              .predictLogits(manager, task, kind, examples)
          : m.predict(task, examples, length);
      for (int i = 0; i < examples.size(); i++) {
        String answer = logits ? formatLogits(kind, outputs[i]) : format(kind, outputs[i]);
        out.println(answer + "\t" + inputs.get(i).text().strip());
      }
    }
    out.flush();
    return 0;
  }

  /** Refuses, naming the first, inputs of the other form than the task's head was trained on. */
  private void checkInputs(Inputs inputs, List<Example> examples, List<Input> places) {
    for (int i = 0; i < examples.size(); i++) {
      if (!inputs.accepts(examples.get(i))) {
        String hint = inputs == Inputs.PAIR
            ? "give each input as 'first<TAB>second' (on the command line also 'first" + PAIR_SEPARATOR + "second')"
            : "give each input as one sentence, without a tab or '" + PAIR_SEPARATOR.strip() + "'";
        throw new ParameterException(spec.commandLine(), String.format("%s is %s, but the head of %s in %s was"
            + " trained on %s: %s", places.get(i).place(), Inputs.describe(examples.get(i)), task, model,
            inputs.description(), hint));
      }
    }
  }

  /**
   * One input and where it came from, as messages name it: "sentence 2" on the command line, "line 5 of in.tsv"
   * in a file, counting the blank lines that are skipped, so that the number is the one an editor shows.
   */
  private record Input(String text, String place) {}

  private static List<Input> arguments(List<String> sentences) {
    List<Input> inputs = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      inputs.add(new Input(sentences.get(i), "sentence " + (i + 1)));
    }
    return inputs;
  }

  /** The non-blank lines of {@code file} ('-': standard input), without a leading byte-order mark. */
  private static List<Input> readLines(Path file) throws IOException {
    byte[] bytes = file.toString().equals("-") ? System.in.readAllBytes() : Files.readAllBytes(file);
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    List<Input> lines = new ArrayList<>();
    int number = 0;
    for (int start = 0; start < bytes.length; ) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      number++;
      String line;
      try {
        line = utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
      } catch (CharacterCodingException e) {
        throw new IOException(String.format("%s: line %d is not valid UTF-8", file, number), e);
      }
      if (number == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (!line.isBlank()) {
        lines.add(new Input(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line,
            "line " + number + " of " + file));
      }
      start = end + 1;
    }
    return lines;
  }

  /**
   * One input: a single sentence, or a pair split at its tab (or {@value #PAIR_SEPARATOR}). More than one
   * separator is an error: split at the first, the rest would join the second sentence unseen.
   *
   * @param where the input's place for an error message ("line 3 of in.tsv")
   */
  static Example parse(String id, String line, String where) {
    for (String separator : List.of("\t", PAIR_SEPARATOR)) {
      int at = line.indexOf(separator);
      if (at < 0) {
        continue;
      }
      if (line.indexOf(separator, at + separator.length()) >= 0) {
        String shown = separator.equals("\t") ? "<TAB>" : separator.strip();
        throw new IllegalArgumentException(String.format("%s has more than one %s: an input is a sentence or a"
            + " pair 'first%ssecond'", where, shown, separator.equals("\t") ? shown : separator));
      }
      return Example.pair(id, line.substring(0, at), line.substring(at + separator.length()), null);
    }
    return Example.of(id, line, null);
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

  /** "label<TAB>probability" of the most likely class, or the regression value on the task's scale (clamped). */
  static String format(TaskKind kind, float[] output) {
    if (kind instanceof TaskKind.Regression r) {
      return String.format(Locale.ROOT, "%.3f", Evaluation.prediction(r, output));
    }
    TaskKind.Classification c = (TaskKind.Classification) kind;
    int best = (int) Evaluation.prediction(kind, output);
    return String.format(Locale.ROOT, "%s\t%.4f", c.labels().get(best), output[best]);
  }
}
