package io.github.bamjava.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.task.Task;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The mixed-precision correctness checks, for a machine with a GPU (on a CPU the trainer refuses FP16; the unit
 * tests run the same checks there through a test-only switch). On the default device it trains a tiny random
 * BERT on two generated tasks (a sentiment classification, a regression that counts a word), as {@code
 * MixedPrecisionTrainingTest} does:
 *
 * <ol>
 *   <li>FP32 and FP16 runs of 8 epochs: the FP16 run's mean training loss over its last two epochs must be within
 *       {@link MixedPrecisionTrainingTest#LOSS_TOLERANCE} of the FP32 run's;
 *   <li>a run killed after its checkpoint at step 6 and resumed, against an uninterrupted one, in FP32 and in
 *       FP16: the largest difference of any final weight (0 where the GPU's kernels are deterministic).
 * </ol>
 *
 * <p>Prints {@code CHECK} lines and exits with 1 when the loss check fails. {@code --candidate fp32} runs the
 * second model in FP32 too, to try the check itself on a CPU. It lives with the tests (bam-core's test jar,
 * which the GPU kit carries) because it trains on their generated tasks.
 */
public final class MixedPrecisionCheck {

  private MixedPrecisionCheck() {}

  public static void main(String[] args) throws IOException {
    System.setProperty("ai.djl.offline", "true");
    boolean fp16 = !(args.length == 2 && args[0].equals("--candidate") && args[1].equals("fp32"));
    Path root = Files.createTempDirectory("bam-fp16-check");
    List<Task> tasks = List.of(SyntheticTasks.sentiment(320, 100, 1), SyntheticTasks.stars(160, 60, 3));

    long t0 = System.nanoTime();
    RunResult reference = tiny(root.resolve("fp32"), tasks, false).optEpochs(8).build().train();
    RunResult candidate = tiny(root.resolve("fp16"), tasks, fp16).optEpochs(8).build().train();
    double first = meanLoss(root.resolve("fp32"), 0, 0);
    double loss32 = meanLoss(root.resolve("fp32"), 6, 7);
    double loss16 = meanLoss(root.resolve("fp16"), 6, 7);
    boolean pass = Math.abs(loss16 - loss32) <= MixedPrecisionTrainingTest.LOSS_TOLERANCE && loss32 < first / 5;
    System.out.printf(Locale.ROOT, "CHECK loss %s: mean training loss of the last two epochs, fp32 %.4f, %s %.4f"
            + " (|diff| %.4f, tolerance %.2f; fp32's first epoch %.4f)%n", pass ? "PASS" : "FAIL", loss32,
        fp16 ? "fp16" : "fp32", loss16, Math.abs(loss16 - loss32), MixedPrecisionTrainingTest.LOSS_TOLERANCE, first);
    System.out.printf(Locale.ROOT, "CHECK dev fp32 %s; %s %s%n", reference.finalDev(), fp16 ? "fp16" : "fp32",
        candidate.finalDev());
    List<JsonObject> steps = steps(root.resolve("fp16"));
    long skipped = steps.stream().filter(s -> !Double.isFinite(s.get("grad_norm").getAsDouble())).count();
    JsonObject last = steps.get(steps.size() - 1);
    System.out.printf(Locale.ROOT, "CHECK loss scale: %d of %d steps skipped for overflow, last scale %s%n",
        skipped, steps.size(), last.has("loss_scale") ? last.get("loss_scale").getAsString() : "1 (fp32)");

    List<Task> small = List.of(SyntheticTasks.sentiment(96, 20, 1), SyntheticTasks.stars(64, 20, 3));
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
    return SyntheticTasks.tinyTrainer(out, tasks)
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
}
