package io.github.bamjava.examples.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.bamjava.distill.DistillationLoss;
import io.github.bamjava.encoder.Architecture;
import io.github.bamjava.encoder.BertConfig;
import io.github.bamjava.encoder.BertEncoder;
import io.github.bamjava.encoder.EncoderFlops;
import io.github.bamjava.encoder.EncoderInputs;
import io.github.bamjava.internal.io.ResidentMemory;
import io.github.bamjava.model.Heads;
import io.github.bamjava.model.MultiTaskModel;
import io.github.bamjava.optim.LayerDepth;
import io.github.bamjava.optim.LayerwiseLrOptimizer;
import io.github.bamjava.optim.MixedPrecision;
import io.github.bamjava.optim.OptimizerSettings;
import io.github.bamjava.optim.RunSchedule;
import io.github.bamjava.runtime.MallocSettings;
import io.github.bamjava.runtime.MklOnAmd;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.train.BornAgainTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Times the encoder's training step (forward, cross-entropy on a 2-label head, backward, layer-wise AdamW) and
 * inference at fixed shapes, the same work as the plain-PyTorch peer in {@code shared/peer/bench_torch.py}.
 * Prints {@code RESULT} lines in the peer's format. With {@code --memory-steps N} it also trains N steps and
 * prints the resident memory at step 100 and step N, to show that memory stays flat.
 *
 * <p>With {@code --precision fp16} the step is the library's mixed-precision one (FP16 copies of the encoder's
 * Dense weights read through the optimizer's parameter store, the loss scaled, FP32 master weights updated and
 * copied back), and its lines say {@code train-fp16} / {@code infer-fp16}. FP16 is refused on a CPU, where it is
 * about a thousand times slower, unless {@code --allow-cpu true} (for a smoke test of the path at tiny shapes).
 *
 * <pre>
 * java -cp 'bam-examples/target/bam.jar:bam-examples/target/lib/*' \
 *     io.github.bamjava.examples.bench.EncoderBenchmark --config minilm --batch 32 --seq 128 --mode train
 * </pre>
 */
public final class EncoderBenchmark {

  private EncoderBenchmark() {}

  /** False with {@code --inputs device}: see {@link #inputs}. */
  private static boolean hostInputs = true;

  public static void main(String[] args) throws IOException {
    System.setProperty("ai.djl.offline", "true");
    // What an application does before its first NDManager: MKL's AVX-512 kernels on an AMD processor.
    System.out.println("MKL on AMD: " + MklOnAmd.prepare());
    Map<String, String> a = parse(args);
    String name = a.getOrDefault("config", "minilm");
    BertConfig config = switch (name) {
      case "minilm" -> BertConfig.MINILM_L6_H384;
      case "base" -> BertConfig.BASE;
      case "tiny" -> new BertConfig(1000, 64, 2, 4, 128, 512, 2, 1e-12f, 0.1f, 0.1f, "gelu");
      // The other architectures at their published base sizes (roberta-base, distilbert-base-uncased,
      // google/electra-base-discriminator, google/electra-small-discriminator).
      case "roberta-base" -> BertConfig.of(Architecture.ROBERTA, 50265, 768, 12, 12, 3072);
      case "distilbert-base" -> BertConfig.of(Architecture.DISTILBERT, 30522, 768, 6, 12, 3072);
      case "electra-base" -> BertConfig.of(Architecture.ELECTRA, 30522, 768, 12, 12, 3072);
      case "electra-small" -> BertConfig.of(Architecture.ELECTRA, 30522, 256, 12, 4, 1024).withEmbeddingSize(128);
      default -> throw new IllegalArgumentException("--config must be minilm, base, tiny, roberta-base,"
          + " distilbert-base, electra-base or electra-small, got " + name);
    };
    config = config.withDropout(Float.parseFloat(a.getOrDefault("dropout", "0.1")));
    int batch = Integer.parseInt(a.getOrDefault("batch", "32"));
    int seq = Integer.parseInt(a.getOrDefault("seq", "128"));
    int steps = Integer.parseInt(a.getOrDefault("steps", "10"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "2"));
    String mode = a.getOrDefault("mode", "both");
    int memorySteps = Integer.parseInt(a.getOrDefault("memory-steps", "0"));
    hostInputs = !a.getOrDefault("inputs", "host").equals("device");
    String precision = a.getOrDefault("precision", "fp32");
    if (!precision.equals("fp32") && !precision.equals("fp16")) {
      throw new IllegalArgumentException("--precision must be fp32 or fp16, got " + precision);
    }
    boolean fp16 = precision.equals("fp16");
    if (fp16 && !Boolean.parseBoolean(a.getOrDefault("allow-cpu", "false"))) {
      BornAgainTrainer.checkMixedPrecisionDevice(null);
    }
    String suffix = fp16 ? "-fp16" : "";

    TorchEngine.get().setRandomSeed(0);
    try (NDManager manager = TorchEngine.newManager()) {
      BertEncoder encoder = new BertEncoder(config);
      MultiTaskModel model = new MultiTaskModel(encoder,
          Map.of("bench", Heads.forTask(TaskKind.Classification.of("0", "1"), config.hiddenSize())));
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1));
      System.out.printf(Locale.ROOT,
          "java %s threads=%d device=%s config=%s layers=%d hidden=%d seq=%d dropout=%s precision=%s%n",
          Runtime.version(), Runtime.getRuntime().availableProcessors(), manager.getDevice(), name,
          config.numHiddenLayers(), config.hiddenSize(), seq, config.hiddenDropoutProb(), precision);
      double forwardFlops = new EncoderFlops(config).forward((long) batch * seq, (double) batch * seq * seq);
      Random random = new Random(1);
      long[] ids = new long[batch * seq];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = random.nextInt(config.vocabSize());
      }
      int[] labels = new int[batch];
      for (int i = 0; i < batch; i++) {
        labels[i] = random.nextInt(2);
      }
      DistillationLoss loss = new DistillationLoss(List.of(TaskKind.Classification.of("0", "1")), new float[] {1});
      int total = Math.max(steps + warmup, memorySteps);
      OptimizerSettings b = OptimizerSettings.BERT;
      OptimizerSettings settings = new OptimizerSettings(2e-5, 1.0, b.weightDecay(), b.clipNorm(), b.beta1(),
          b.beta2(), b.epsilon(), b.biasCorrection(), RunSchedule.warmupLinearDecay(0));
      Map<String, Parameter> parameters = model.namedParameters();
      // The optimizer's store gives the FP16 weight copies under mixed precision, the parameters otherwise.
      try (LayerwiseLrOptimizer optimizer = new LayerwiseLrOptimizer(settings, parameters, total + 1,
          LayerDepth.inferredFrom(parameters.keySet()), fp16 ? MixedPrecision.of(model.fp16Parameters()) : null)) {
        ParameterStore store = optimizer.parameterStore(manager);
        if (mode.equals("both") || mode.equals("train")) {
          // What the trainer does when a run starts: the library's malloc settings for training, unless the
          // environment (the launcher) already set glibc's or -Dbam.malloc.tuning=false turned them off.
          System.out.println("MALLOC " + MallocSettings.forTraining());
          long faultsBefore = minorFaults();
          List<Double> times = new ArrayList<>();
          int skipped = 0;
          double[] split = new double[3];
          long rssAt100 = 0;
          for (int step = 0; step < total; step++) {
            long t0 = System.nanoTime();
            try (NDManager stepManager = manager.newSubManager()) {
              NDList inputs = inputs(stepManager, config, ids, batch, seq);
              List<float[]> targets = new ArrayList<>();
              for (int label : labels) {
                targets.add(label == 0 ? new float[] {1, 0} : new float[] {0, 1});
              }
              DistillationLoss.Targets t = loss.targets(stepManager, new int[batch], targets);
              long t1;
              long t2;
              try (GradientCollector gc = TorchEngine.get().newGradientCollector()) {
                NDArray objective =
                    DistillationLoss.total(loss.perTask(model.forward(store, inputs, true), t), batch);
                objective.getFloat();
                t1 = System.nanoTime();
                gc.backward(optimizer.scaleLoss(objective));
                t2 = System.nanoTime();
              }
              optimizer.step();
              skipped += optimizer.lastStepSkipped() ? 1 : 0;
              if (step >= warmup && step < warmup + steps) {
                split[0] += (t1 - t0) / 1e9;
                split[1] += (t2 - t1) / 1e9;
                split[2] += (System.nanoTime() - t2) / 1e9;
              }
            }
            if (step >= warmup && step < warmup + steps) {
              times.add((System.nanoTime() - t0) / 1e9);
            }
            if (step + 1 == 100) {
              rssAt100 = residentKb();
            }
          }
          report(name, "train" + suffix, batch, seq, times, 3 * forwardFlops);
          System.out.printf(Locale.ROOT, "FAULTS %d minor page faults over %d steps, rss %d MiB, peak %d MiB%n",
              minorFaults() - faultsBefore, total, residentKb() / 1024, peakKb() / 1024);
          System.out.printf(Locale.ROOT, "SPLIT forward %.1f ms, backward %.1f ms, optimizer %.1f ms (mean)%n",
              split[0] * 1e3 / steps, split[1] * 1e3 / steps, split[2] * 1e3 / steps);
          if (fp16) {
            System.out.printf(Locale.ROOT, "LOSSSCALE %.0f after %d steps, %d skipped for overflow%n",
                optimizer.lossScale(), total, skipped);
          }
          if (memorySteps > 0) {
            long rssEnd = residentKb();
            System.out.printf(Locale.ROOT, "MEMORY rss step 100 %d MiB, step %d %d MiB, growth %.2f%%%n",
                rssAt100 / 1024, memorySteps, rssEnd / 1024, 100.0 * (rssEnd - rssAt100) / rssAt100);
          }
        }
        if (mode.equals("both") || mode.equals("infer")) {
          List<Double> times = new ArrayList<>();
          for (int step = 0; step < steps + warmup; step++) {
            long t0 = System.nanoTime();
            try (NDManager stepManager = manager.newSubManager()) {
              NDArray first = model.forward(store, inputs(stepManager, config, ids, batch, seq), false).get(0);
              first.toType(DataType.FLOAT32, false).toFloatArray();
            }
            if (step >= warmup) {
              times.add((System.nanoTime() - t0) / 1e9);
            }
          }
          report(name, "infer" + suffix, batch, seq, times, forwardFlops);
        }
      }
    }
  }

  /**
   * The batch as the library's trainer makes it ({@link EncoderInputs}: ids checked and tokens packed on the host),
   * or with {@code --inputs device} as three arrays that the encoder checks and packs itself, reading values back
   * from the device on every forward pass (the behaviour before EncoderInputs).
   */
  private static NDList inputs(NDManager manager, BertConfig config, long[] ids, int batch, int seq) {
    long[] ones = new long[ids.length];
    Arrays.fill(ones, 1);
    if (hostInputs) {
      return EncoderInputs.of(manager, config, ids, new long[ids.length], ones, batch, seq);
    }
    Shape shape = new Shape(batch, seq);
    return new NDList(manager.create(ids, shape), manager.zeros(shape, DataType.INT64),
        manager.create(ones, shape));
  }

  private static void report(String config, String mode, int batch, int seq, List<Double> times, double flops) {
    double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    System.out.printf(Locale.ROOT,
        "RESULT %s %-6s B=%3d S=%d median %9.1f ms  min %9.1f  max %9.1f  %8.2f seq/s  %7.1f GFLOP/s%n",
        config, mode, batch, seq, median * 1e3, sorted[0] * 1e3, sorted[sorted.length - 1] * 1e3, batch / median,
        flops / median / 1e9);
  }

  /** Resident set size of this process in KiB (Linux), or 0 where /proc is absent. */
  /** The process's minor page faults so far (field 10 of /proc/self/stat); 0 where unreadable. */
  static long minorFaults() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[7]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The process's peak resident memory (VmHWM) in KiB; 0 where unreadable. */
  static long peakKb() {
    return ResidentMemory.peakBytes() / 1024;
  }

  /** The process's resident memory (VmRSS) in KiB; 0 where unreadable. */
  static long residentKb() {
    return ResidentMemory.currentBytes() / 1024;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> out = new java.util.HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
      }
      out.put(args[i].substring(2), args[++i]);
    }
    return out;
  }
}
