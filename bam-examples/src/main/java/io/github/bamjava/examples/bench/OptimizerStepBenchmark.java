package io.github.bamjava.examples.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.github.bamjava.encoder.BertConfig;
import io.github.bamjava.encoder.BertEncoder;
import io.github.bamjava.model.Heads;
import io.github.bamjava.model.MultiTaskModel;
import io.github.bamjava.optim.LayerwiseLrOptimizer;
import io.github.bamjava.optim.OptimizerSettings;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.task.TaskKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times one optimizer step alone: {@link LayerwiseLrOptimizer} (flat moment buffers) against the per-parameter
 * update it replaced ({@link PerParameterOptimizer}), on the parameters of a real multi-task model (a random
 * MiniLM-L6-H384 or BERT-Base encoder with a classification and a regression head: 22.7M or 109M values, ~105
 * or ~205 arrays). Both run in the same JVM on the same parameters, alternating step by step (and which goes
 * first), each after a backward pass that sets every gradient (untimed), so machine load hits both alike.
 * Gradients are large enough that global-norm clipping is active, as it usually is early in training.
 *
 * <pre>
 * java -cp 'bam-examples/target/bam.jar:bam-examples/target/lib/*' \
 *     io.github.bamjava.examples.bench.OptimizerStepBenchmark [minilm|base] [steps 20] [warm-up 3] [cpu|gpu]
 * </pre>
 *
 * <p>Prints one {@code OPTIMIZER} line per implementation (median, mean, fastest step in ms) and their ratio.
 */
public final class OptimizerStepBenchmark {

  private OptimizerStepBenchmark() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    String name = args.length > 0 ? args[0] : "minilm";
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    // Default: DJL's default device (the GPU where there is one).
    Device device = args.length > 3 ? Device.fromName(args[3]) : TorchEngine.get().defaultDevice();
    BertConfig config = switch (name) {
      case "minilm" -> BertConfig.MINILM_L6_H384;
      case "base" -> BertConfig.BASE;
      default -> throw new IllegalArgumentException("config must be minilm or base, got " + name);
    };
    TorchEngine.get().setRandomSeed(0);
    try (NDManager manager = TorchEngine.newManager(device)) {
      MultiTaskModel model = new MultiTaskModel(new BertEncoder(config), Map.of(
          "label", Heads.forTask(TaskKind.Classification.of("0", "1"), config.hiddenSize()),
          "score", Heads.forTask(new TaskKind.Regression(0, 5), config.hiddenSize())));
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1));
      Map<String, Parameter> parameters = new LinkedHashMap<>(model.namedParameters());
      List<NDArray> arrays = new ArrayList<>();
      List<NDArray> slopes = new ArrayList<>();
      long values = 0;
      for (Parameter p : parameters.values()) {
        arrays.add(p.getArray());
        // d(Σ p·slope)/dp = slope: a gradient of norm ~ sqrt(values) · 0.01, far over the clip norm of 1.
        slopes.add(manager.randomNormal(0, 0.01f, p.getArray().getShape(), DataType.FLOAT32));
        values += p.getArray().size();
      }
      System.out.printf(Locale.ROOT, "OPTIMIZER %s: %d arrays, %d values, device %s, %d threads, %d steps after"
          + " %d%n", name, arrays.size(), values, arrays.get(0).getDevice(), JniUtils.getNumThreads(), steps, warmup);
      try (LayerwiseLrOptimizer flat = OptimizerSettings.BERT.create(parameters, 1000);
          PerParameterOptimizer perParameter = new PerParameterOptimizer(parameters, 1e-4, 1000)) {
        double[] flatMs = new double[steps];
        double[] perParameterMs = new double[steps];
        for (int i = -warmup; i < steps; i++) {
          boolean flatFirst = (i & 1) == 0;
          double a = time(manager, arrays, slopes, flatFirst ? flat::step : perParameter::step);
          double b = time(manager, arrays, slopes, flatFirst ? perParameter::step : flat::step);
          if (i >= 0) {
            flatMs[i] = flatFirst ? a : b;
            perParameterMs[i] = flatFirst ? b : a;
          }
        }
        double before = report("per-parameter (old)", perParameterMs);
        double after = report("flat buffers (new)", flatMs);
        System.out.printf(Locale.ROOT, "OPTIMIZER new/old median time: %.2f%n", after / before);
      }
    }
  }

  /** Sets every gradient with a backward pass (untimed), then times one step. */
  private static double time(NDManager manager, List<NDArray> arrays, List<NDArray> slopes, Runnable step) {
    try (NDManager batch = manager.newSubManager();
        GradientCollector gc = TorchEngine.get().newGradientCollector()) {
      NDArray loss = null;
      for (int i = 0; i < arrays.size(); i++) {
        batch.tempAttachAll(arrays.get(i), slopes.get(i));
        NDArray term = arrays.get(i).mul(slopes.get(i)).sum();
        loss = loss == null ? term : loss.add(term);
      }
      gc.backward(loss);
    }
    try (NDManager sync = manager.newSubManager()) {
      NDArray first = arrays.get(0);
      sync.tempAttachAll(first);
      // A synchronising read, so that queued GPU work of the backward pass is not counted in the step.
      NDArray gradient = first.getGradient();
      gradient.attach(sync);
      gradient.sum().getFloat();
      long start = System.nanoTime();
      step.run();
      // And one after it: the step's kernels must have run.
      first.sum().getFloat();
      return (System.nanoTime() - start) / 1e6;
    }
  }

  private static double report(String what, double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    double median = sorted[sorted.length / 2];
    System.out.printf(Locale.ROOT, "OPTIMIZER %-20s median %7.1f ms  mean %7.1f ms  fastest %7.1f ms%n", what,
        median, Arrays.stream(ms).average().orElse(Double.NaN), sorted[0]);
    return median;
  }
}
