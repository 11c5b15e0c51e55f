package io.github.bamjava.examples.bench;

import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.glue.GlueReader;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.task.Task;
import io.github.bamjava.train.BornAgainTrainer;
import io.github.bamjava.train.ConsoleProgress;
import io.github.bamjava.train.RunListener;
import io.github.bamjava.train.StepInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Throughput and memory of a real multi-task run: the pretrained MiniLM trained on every task of a GLUE
 * directory at once (mixed minibatches, padding to the longest sequence of each batch), for a fixed number of
 * steps. Prints examples/s and real tokens/s, and the resident memory every 100 steps, so that growth after
 * warm-up is visible.
 *
 * <pre>
 * java -cp 'bam-examples/target/bam.jar:bam-examples/target/lib/*' \
 *     io.github.bamjava.examples.bench.MultiTaskBenchmark ../shared/glue-lite 2000 [batch] [bucket: false]
 * </pre>
 */
public final class MultiTaskBenchmark {

  private MultiTaskBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    Path glue = Path.of(args.length > 0 ? args[0] : "../shared/glue-lite");
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    boolean bucket = args.length > 3 && Boolean.parseBoolean(args[3]);
    Path out = Files.createTempDirectory("bam-throughput");
    long[] rss = new long[steps / 100 + 1];
    long[] tokens = {0};
    long[] examples = {0};
    long[] started = {0};
    long[] ended = {0};
    long[] largestBatch = {0};
    RunListener memory = new RunListener() {
      @Override
      public void onStep(StepInfo s) {
        largestBatch[0] = Math.max(largestBatch[0], s.tokens());
        // The clock stops at the last step: the dev evaluation and the model saving that follow are not training.
        ended[0] = System.nanoTime();
        if (s.step() == 100) {
          // Throughput is measured after 100 warm-up steps.
          started[0] = System.nanoTime();
          tokens[0] = 0;
          examples[0] = 0;
        } else if (s.step() > 100) {
          tokens[0] += s.tokens();
          examples[0] += s.examples();
        }
        if (s.step() % 100 == 0) {
          rss[(int) (s.step() / 100)] = EncoderBenchmark.residentKb();
          // The largest batch so far tells a high-water mark (RSS steps up with a new largest batch) from a leak.
          System.out.printf(Locale.ROOT, "MEMORY step %d rss %d MiB largest batch so far %d tokens%n", s.step(),
              rss[(int) (s.step() / 100)] / 1024, largestBatch[0]);
        }
      }
    };
    BornAgainTrainer.Builder run = glueRun(glue, steps, batch, out);
    int taskCount = GlueReader.availableTasks(glue).size();
    run.optBucketByLength(bucket)
        .addListener(new ConsoleProgress(System.out, false, 60))
        .addListener(memory)
        .build()
        .train();
    double seconds = (ended[0] - started[0]) / 1e9;
    System.out.printf(Locale.ROOT, "RESULT multitask %d tasks B=%d bucket=%s steps=%d: %.1f examples/s, %.0f tokens/s"
        + " (mean %.1f real tokens per example)%n", taskCount, batch, bucket, steps, examples[0] / seconds,
        tokens[0] / seconds, (double) tokens[0] / examples[0]);
    if (rss.length > 1 && rss[1] > 0) {
      System.out.printf(Locale.ROOT, "MEMORY growth from step 100 to step %d: %.2f%%%n", steps,
          100.0 * (rss[rss.length - 1] - rss[1]) / rss[1]);
    }
  }

  /**
   * A run of the pretrained MiniLM on every task of a GLUE directory at once: {@code steps} mixed minibatches
   * of {@code batch}, max length 128, no checkpoints; benchmarks add their listeners.
   */
  static BornAgainTrainer.Builder glueRun(Path glue, int steps, int batch, Path out) throws IOException {
    List<Task> tasks = new ArrayList<>();
    GlueReader reader = GlueReader.of(glue);
    for (GlueTask t : GlueReader.availableTasks(glue)) {
      tasks.add(reader.read(t));
    }
    return BornAgainTrainer.builder()
        .setEncoder(EncoderSource.miniLm())
        .addTasks(tasks)
        .setOutputDir(out)
        .optBatchSize(batch)
        .optMaxLength(128)
        .optEpochs(1)
        .optExamplesPerEpoch(steps * batch)
        .optCheckpointEvery(0);
  }
}
