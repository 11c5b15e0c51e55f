package io.github.bamjava.examples.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.encoder.BertConfig;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.TaskMetrics;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.train.BornAgainTrainer;
import io.github.bamjava.train.StepInfo;
import io.github.bamjava.train.RunListener;
import io.github.bamjava.train.RunResult;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The mixed-precision correctness checks, for a machine with a GPU (on a CPU the trainer refuses FP16; the unit
 * tests run the same checks there through a test-only switch). On the default device it trains a tiny random
 * BERT on two generated tasks (a sentiment classification, a regression that counts a word), as {@code
 * MixedPrecisionTrainingTest} does:
 *
 * <ol>
 *   <li>FP32 and FP16 runs of 8 epochs: the FP16 run's mean training loss over its last two epochs must be within
 *       {@value #LOSS_TOLERANCE} of the FP32 run's (the tolerance the unit test states);
 *   <li>a run killed after its checkpoint at step 6 and resumed, against an uninterrupted one, in FP32 and in
 *       FP16: the largest difference of any final weight (0 where the GPU's kernels are deterministic).
 * </ol>
 *
 * <p>Prints {@code CHECK} lines and exits with 1 when the loss check fails. {@code --candidate fp32} runs the
 * second model in FP32 too, to try the check itself on a CPU.
 */
public final class MixedPrecisionCheck {

  static final double LOSS_TOLERANCE = 0.03;

  private static final List<String> POSITIVE = List.of("good", "great", "fine", "nice");
  private static final List<String> NEGATIVE = List.of("bad", "awful", "poor", "sad");

  private MixedPrecisionCheck() {}

  public static void main(String[] args) throws IOException {
    System.setProperty("ai.djl.offline", "true");
    boolean fp16 = !(args.length == 2 && args[0].equals("--candidate") && args[1].equals("fp32"));
    Path root = Files.createTempDirectory("bam-fp16-check");
    List<Task> tasks = List.of(sentiment(320, 100, 1), stars(160, 60, 3));

    long t0 = System.nanoTime();
    RunResult reference = tiny(root.resolve("fp32"), tasks, false).optEpochs(8).build().train();
    RunResult candidate = tiny(root.resolve("fp16"), tasks, fp16).optEpochs(8).build().train();
    double first = meanLoss(root.resolve("fp32"), 0, 0);
    double loss32 = meanLoss(root.resolve("fp32"), 6, 7);
    double loss16 = meanLoss(root.resolve("fp16"), 6, 7);
    boolean pass = Math.abs(loss16 - loss32) <= LOSS_TOLERANCE && loss32 < first / 5;
    System.out.printf(Locale.ROOT, "CHECK loss %s: mean training loss of the last two epochs, fp32 %.4f, %s %.4f"
            + " (|diff| %.4f, tolerance %.2f; fp32's first epoch %.4f)%n", pass ? "PASS" : "FAIL", loss32,
        fp16 ? "fp16" : "fp32", loss16, Math.abs(loss16 - loss32), LOSS_TOLERANCE, first);
    System.out.printf(Locale.ROOT, "CHECK dev fp32 %s; %s %s%n", reference.finalDev(), fp16 ? "fp16" : "fp32",
        candidate.finalDev());
    List<JsonObject> steps = steps(root.resolve("fp16"));
    long skipped = steps.stream().filter(s -> !Double.isFinite(s.get("grad_norm").getAsDouble())).count();
    JsonObject last = steps.get(steps.size() - 1);
    System.out.printf(Locale.ROOT, "CHECK loss scale: %d of %d steps skipped for overflow, last scale %s%n",
        skipped, steps.size(), last.has("loss_scale") ? last.get("loss_scale").getAsString() : "1 (fp32)");

    List<Task> small = List.of(sentiment(96, 20, 1), stars(64, 20, 3));
    for (boolean mixed : fp16 ? List.of(false, true) : List.of(false)) {
      String name = mixed ? "fp16" : "fp32";
      RunResult straight = tiny(root.resolve("straight-" + name), small, mixed).optEpochs(2)
          .optCheckpointEvery(3).build().train();
      Path out = root.resolve("killed-" + name);
      try {
        tiny(out, small, mixed).optEpochs(2).optCheckpointEvery(3).addListener(new KillAfter(7)).build().train();
        throw new IllegalStateException("the run was not killed");
      } catch (KillAfter.Killed expected) {
        // The checkpoint of step 6 is the last one.
      }
      RunResult resumed = tiny(out, small, mixed).optEpochs(2).optCheckpointEvery(3).build().train();
      double diff = maxDifference(straight.modelDir(), resumed.modelDir());
      System.out.printf(Locale.ROOT, "CHECK resume %s: largest |weight difference| after a kill at step 7 and a"
          + " resume from step 6: %s%n", name, diff == 0 ? "0 (exact)" : Double.toString(diff));
    }
    System.out.printf(Locale.ROOT, "CHECK took %.1f s (outputs in %s)%n", (System.nanoTime() - t0) / 1e9, root);
    if (!pass) {
      System.exit(1);
    }
  }

  /** Throws after step {@code n}: a kill between checkpoints. */
  private static final class KillAfter implements RunListener {
    static final class Killed extends RuntimeException {
      private static final long serialVersionUID = 1L;
    }

    private final long n;

    KillAfter(long n) {
      this.n = n;
    }

    @Override
    public void onStep(StepInfo step) {
      if (step.step() == n) {
        throw new Killed();
      }
    }
  }

  private static BornAgainTrainer.Builder tiny(Path out, List<Task> tasks, boolean mixed) {
    return BornAgainTrainer.builder()
        .setEncoder(EncoderSource.random(new BertConfig(vocabulary().size(), 32, 2, 4, 64, 64, 2, 1e-12f, 0.1f,
            0.1f, "gelu"), vocabulary(), 7))
        .addTasks(tasks)
        .setOutputDir(out)
        .optLearningRate(2e-3)
        .optBatchSize(16)
        .optMaxLength(32)
        .optSeed(11)
        .optMixedPrecision(mixed);
  }

  private static double maxDifference(Path a, Path b) throws IOException {
    Map<String, HostTensor> x = SafeTensors.read(a.resolve("model.safetensors"));
    Map<String, HostTensor> y = SafeTensors.read(b.resolve("model.safetensors"));
    double max = 0;
    for (Map.Entry<String, HostTensor> e : x.entrySet()) {
      float[] u = e.getValue().values();
      float[] v = y.get(e.getKey()).values();
      for (int i = 0; i < u.length; i++) {
        max = Math.max(max, Math.abs(u[i] - v[i]));
      }
    }
    return max;
  }

  private static List<JsonObject> steps(Path out) throws IOException {
    try (Stream<String> lines = Files.lines(out.resolve("metrics.jsonl"))) {
      return lines.map(l -> JsonParser.parseString(l).getAsJsonObject())
          .filter(o -> o.get("type").getAsString().equals("step"))
          .toList();
    }
  }

  private static double meanLoss(Path out, int from, int to) throws IOException {
    return steps(out).stream().filter(s -> s.get("epoch").getAsInt() >= from && s.get("epoch").getAsInt() <= to)
        .mapToDouble(s -> s.get("loss").getAsDouble()).average().orElseThrow();
  }

  // The generated tasks of bam-core's tests (SyntheticTasks), which the kit's jars do not carry.

  private static List<String> vocabulary() {
    List<String> vocab = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
    vocab.addAll(POSITIVE);
    vocab.addAll(NEGATIVE);
    vocab.addAll(List.of("star", "yes", "no"));
    vocab.addAll(fillers());
    return vocab;
  }

  private static Task sentiment(int train, int dev, long seed) {
    Random r = new Random(seed);
    return Task.builder("sentiment", TaskKind.Classification.of("0", "1"))
        .setTrain(sentimentExamples(train, r, "t"))
        .optDev(sentimentExamples(dev, r, "d"))
        .build();
  }

  private static List<Example> sentimentExamples(int n, Random r, String prefix) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean positive = r.nextBoolean();
      String word = (positive ? POSITIVE : NEGATIVE).get(r.nextInt(4));
      out.add(Example.of(prefix + i, sentence(r, word), positive ? "1" : "0"));
    }
    return out;
  }

  private static Task stars(int train, int dev, long seed) {
    Random r = new Random(seed);
    return Task.builder("stars", new TaskKind.Regression(0, 5))
        .setTrain(starExamples(train, r, "t"))
        .optDev(starExamples(dev, r, "d"))
        .optMetrics(TaskMetrics.PEARSON)
        .build();
  }

  private static List<Example> starExamples(int n, Random r, String prefix) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int stars = r.nextInt(6);
      StringBuilder sb = new StringBuilder(sentence(r, null));
      for (int s = 0; s < stars; s++) {
        sb.append(" star");
      }
      out.add(Example.of(prefix + i, sb.toString(), Integer.toString(stars)));
    }
    return out;
  }

  private static String sentence(Random r, String keyword) {
    List<String> filler = fillers();
    int length = 3 + r.nextInt(5);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      words.add(filler.get(r.nextInt(filler.size())));
    }
    if (keyword != null) {
      words.add(r.nextInt(words.size() + 1), keyword);
    }
    return String.join(" ", words);
  }

  private static List<String> fillers() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      out.add("w" + (char) ('a' + i / 26) + (char) ('a' + i % 26));
    }
    return out;
  }
}
