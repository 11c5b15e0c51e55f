package io.github.bamjava.examples.bench;

import ai.djl.ndarray.NDManager;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.internal.io.Utf8Lines;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.predict.BatchPredictor;
import io.github.bamjava.runtime.MallocSettings;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.TaskKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two Java sides of {@code bench/predict-stream.sh}, beside the streaming {@code bam predict} it times:
 *
 * <ul>
 *   <li>{@code save-model DIR}: saves the embedded MiniLM with an untrained two-label head named {@code pairs}
 *       (the weights do not change the time a prediction takes), the model the script predicts with;
 *   <li>{@code loop DIR FILE}: what an application writes without the streaming API: reads
 *       {@link BatchPredictor#DEFAULT_WINDOW} lines of {@code first<TAB>second} pairs at a time and calls
 *       {@link BamModel#predict(String, List, int)} on each; prints {@code RESULT} with lines/s from the model
 *       loaded on, and the mean length in tokens. Outputs are summed, not written.
 * </ul>
 *
 * <pre>
 * java -cp 'bam-examples/target/bam.jar:bam-examples/target/lib/*' \
 *     io.github.bamjava.examples.bench.PredictBenchmark loop /tmp/model /tmp/pairs.tsv
 * </pre>
 */
public final class PredictBenchmark {
  private PredictBenchmark() {}

  /** The task of the saved model. */
  static final String TASK = "pairs";
  /** bam predict's default max length. */
  private static final int MAX_LENGTH = 128;

  public static void main(String[] args) throws IOException {
    System.setProperty("ai.djl.offline", "true");
    if (args.length == 2 && args[0].equals("save-model")) {
      try (NDManager manager = TorchEngine.newManager();
          BamModel model = BamModel.create(manager, EncoderSource.miniLm().load(manager),
              Map.of(TASK, TaskKind.Classification.of("0", "1")))) {
        model.save(Path.of(args[1]));
      }
      return;
    }
    if (args.length == 3 && args[0].equals("loop")) {
      loop(Path.of(args[1]), Path.of(args[2]));
      return;
    }
    throw new IllegalArgumentException("usage: save-model DIR | loop DIR FILE");
  }

  private static void loop(Path modelDir, Path file) throws IOException {
    // As bam predict: a process that only predicts, with the malloc settings that keep its memory flat.
    MallocSettings.forPrediction();
    long start = 0;
    long lines = 0;
    long tokens = 0;
    double sum = 0;
    try (NDManager manager = TorchEngine.newManager();
        BamModel model = BamModel.load(modelDir, manager);
        Utf8Lines in = new Utf8Lines(Files.newInputStream(file))) {
      start = System.nanoTime(); // from the model loaded, as bam predict's own count
      List<Example> chunk = new ArrayList<>();
      for (String line = in.next(); ; line = in.next()) {
        if (line != null) {
          int tab = line.indexOf('\t');
          chunk.add(tab < 0 ? Example.of(Long.toString(lines), line, null)
              : Example.pair(Long.toString(lines), line.substring(0, tab), line.substring(tab + 1), null));
          lines++;
        }
        if (chunk.size() == BatchPredictor.DEFAULT_WINDOW || (line == null && !chunk.isEmpty())) {
          for (Example e : chunk) {
            tokens += model.tokenizer().encode(e.textA(), e.textB(), MAX_LENGTH).length();
          }
          for (float[] out : model.predict(TASK, chunk, MAX_LENGTH)) {
            sum += out[0];
          }
          chunk.clear();
        }
        if (line == null) {
          break;
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // The mean length in tokens is the sequence length the script gives the peer, for the same shapes.
    System.out.printf(Locale.ROOT, "RESULT loop lines %d seconds %.1f lines/s %.1f mean_tokens %.1f (checksum"
        + " %.3f)%n", lines, seconds, lines / seconds, (double) tokens / Math.max(1, lines), sum);
  }
}
