package io.github.bamjava.glue.plot;

import io.github.bamjava.train.EpochResult;
import io.github.bamjava.train.MetricsLog;
import io.github.bamjava.train.RunInfo;
import io.github.bamjava.train.RunResult;
import io.github.bamjava.train.StepInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a plausible BAM student run through the real {@link MetricsLog}, so the reader is tested against the
 * format the trainer writes: four GLUE tasks sampled ∝ size^0.75, λ rising linearly, warm-up then linear decay of
 * the learning rate, per-task losses falling with noise, dev scores rising. The run is killed after
 * {@code killAtStep} and resumed from the last epoch checkpoint, so the steps in between appear twice.
 */
final class SampleRun {
  static final List<String> TASKS = List.of("CoLA", "SST-2", "MRPC", "STS-B");
  private static final int[] SIZES = {8551, 67349, 3668, 5749};
  private static final double[] START_LOSS = {0.65, 0.55, 0.6, 1.4};

  final int stepsPerEpoch;
  final int epochs;
  final int batchSize;
  final double[] probabilities = new double[TASKS.size()];

  SampleRun(int stepsPerEpoch, int epochs, int batchSize) {
    this.stepsPerEpoch = stepsPerEpoch;
    this.epochs = epochs;
    this.batchSize = batchSize;
    double sum = 0;
    for (int t = 0; t < SIZES.length; t++) {
      probabilities[t] = Math.pow(SIZES[t], 0.75);
      sum += probabilities[t];
    }
    for (int t = 0; t < SIZES.length; t++) {
      probabilities[t] /= sum;
    }
  }

  int totalSteps() {
    return stepsPerEpoch * epochs;
  }

  /**
   * Writes the log; the first process stops after {@code killAtStep}, the second resumes after the last whole
   * epoch before it and runs to the end (pass {@code killAtStep >= totalSteps()} for an uninterrupted run).
   * The resumed process draws with another seed, so its records of a repeated step differ from the first's.
   */
  void write(Path file, int killAtStep) {
    int resumeAt = Math.min(killAtStep, totalSteps()) / stepsPerEpoch * stepsPerEpoch;
    process(file, false, 0, Math.min(killAtStep, totalSteps()), 1);
    if (killAtStep < totalSteps()) {
      process(file, true, resumeAt, totalSteps(), 2);
    }
  }

  private void process(Path file, boolean append, int fromStep, int toStep, long seed) {
    Random random = new Random(seed);
    MetricsLog log = new MetricsLog(file, append);
    log.onTrainingStart(new RunInfo(TASKS, probabilities.clone(), totalSteps(), stepsPerEpoch, fromStep,
        file.getParent()));
    long[] counts = new long[TASKS.size()];
    for (int step = fromStep + 1; step <= toStep; step++) {
      int epoch = (step - 1) / stepsPerEpoch;
      double progress = step / (double) totalSteps();
      int[] drawn = new int[TASKS.size()];
      for (int i = 0; i < batchSize; i++) {
        drawn[draw(random)]++;
      }
      Map<String, Double> taskLoss = new LinkedHashMap<>();
      double total = 0;
      for (int t = 0; t < TASKS.size(); t++) {
        counts[t] += drawn[t];
        if (drawn[t] > 0) {
          double loss = START_LOSS[t] * (0.25 + 0.75 * Math.exp(-4 * progress))
              * (1 + 0.35 * random.nextGaussian() / Math.sqrt(drawn[t]));
          taskLoss.put(TASKS.get(t), Math.max(0.01, loss));
          total += loss * drawn[t] / batchSize;
        }
      }
      double warmup = 0.1 * totalSteps();
      double lr = 5e-5 * (step < warmup ? step / warmup : (totalSteps() - step) / (totalSteps() - warmup));
      log.onStep(new StepInfo(step, totalSteps(), epoch, total, taskLoss, progress, lr,
          2 + random.nextGaussian() * 0.3, 1, batchSize, batchSize * 60L, 85 + random.nextGaussian(),
          (totalSteps() - step) / 85.0 * batchSize));
      if (step % stepsPerEpoch == 0) {
        double quality = 1 - Math.exp(-1.5 * (epoch + 1));
        Map<String, Map<String, Double>> dev = new LinkedHashMap<>();
        dev.put("CoLA", Map.of("mcc", 0.35 + 0.2 * quality));
        dev.put("SST-2", Map.of("accuracy", 0.85 + 0.07 * quality));
        Map<String, Double> mrpc = new LinkedHashMap<>();
        mrpc.put("accuracy", 0.75 + 0.1 * quality);
        mrpc.put("f1", 0.82 + 0.08 * quality);
        dev.put("MRPC", mrpc);
        Map<String, Double> sts = new LinkedHashMap<>();
        sts.put("pearson", 0.8 + 0.08 * quality);
        sts.put("spearman", 0.79 + 0.08 * quality);
        dev.put("STS-B", sts);
        Map<String, Integer> taskCounts = new LinkedHashMap<>();
        for (int t = 0; t < TASKS.size(); t++) {
          taskCounts.put(TASKS.get(t), (int) counts[t]);
          counts[t] = 0;
        }
        log.onEpochEnd(new EpochResult(epoch, step, dev, taskCounts));
      }
    }
    log.onTrainingEnd(new RunResult(List.of(), file.getParent(), file.getParent(), 0));
  }

  private int draw(Random random) {
    double u = random.nextDouble();
    for (int t = 0; t < probabilities.length - 1; t++) {
      u -= probabilities[t];
      if (u < 0) {
        return t;
      }
    }
    return probabilities.length - 1;
  }
}
