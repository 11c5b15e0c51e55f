package io.github.bamjava.glue.plot;

import io.github.bamjava.internal.io.AtomicFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The standard pictures of a training run, drawn from its {@code metrics.jsonl}:
 *
 * <ul>
 *   <li>{@code lambda.svg} — the teacher-annealing λ against step, with the learning rate divided by its peak
 *       on the same 0–1 axis (the two schedules are what the paper's recipe fixes, so they share a chart);
 *   <li>{@code task-loss.svg} — each task's training loss against step, as a centred moving average over about
 *       2% of the steps (single-batch losses of a task are too noisy to read);
 *   <li>{@code dev-metrics.svg} — each task's dev score, the mean of its metrics, against epoch (1-based);
 *   <li>{@code task-shares.svg} — per task, the sampler's probability next to the share of examples actually
 *       drawn, summed over all epochs.
 * </ul>
 *
 * <p>A task keeps the same colour in every chart. Long runs are thinned to at most {@value #MAX_POINTS} points
 * per line so the files stay small. On the command line: {@code bam plot metrics.jsonl outDir}.
 */
public final class RunPlots {
  /** More points than a chart is pixels wide add bytes, not information. */
  static final int MAX_POINTS = 1000;
  /** The moving-average window of the loss chart, as a fraction of the steps. */
  static final double SMOOTHING_FRACTION = 0.02;

  private RunPlots() {}

  /** Reads the log and writes the four charts into {@code outDir} (created if needed); returns their paths. */
  public static List<Path> write(Path metricsJsonl, Path outDir) throws IOException {
    RunMetrics run = MetricsLogReader.read(metricsJsonl);
    Files.createDirectories(outDir);
    List<Path> written = new ArrayList<>();
    written.add(save(outDir.resolve("lambda.svg"), lambdaChart(run)));
    written.add(save(outDir.resolve("task-loss.svg"), taskLossChart(run)));
    written.add(save(outDir.resolve("dev-metrics.svg"), devChart(run)));
    written.add(save(outDir.resolve("task-shares.svg"), sharesChart(run)));
    return written;
  }

  static String lambdaChart(RunMetrics run) {
    List<RunMetrics.Step> steps = run.steps();
    double[] x = new double[steps.size()];
    double[] lambda = new double[steps.size()];
    double[] lr = new double[steps.size()];
    double peak = 0;
    for (int i = 0; i < steps.size(); i++) {
      x[i] = steps.get(i).step();
      lambda[i] = steps.get(i).lambda();
      lr[i] = steps.get(i).lr();
      if (Double.isFinite(lr[i])) {
        peak = Math.max(peak, lr[i]);
      }
    }
    SvgChart chart = SvgChart.line("Teacher annealing λ and learning rate").xLabel("step")
        .yLabel("value (learning rate ÷ its peak)").includeY(0, 1);
    Series thinned = thin(x, lambda);
    chart.series("λ (weight of the gold label)", thinned.x(), thinned.y());
    if (peak > 0) {
      for (int i = 0; i < lr.length; i++) {
        lr[i] /= peak;
      }
      thinned = thin(x, lr);
      chart.series("learning rate ÷ peak " + shortNumber(peak), thinned.x(), thinned.y());
    }
    return chart.toSvg();
  }

  static String taskLossChart(RunMetrics run) {
    int window = smoothingWindow(run.steps().size());
    SvgChart chart = SvgChart.line(window > 1
        ? "Training loss per task (moving average over " + window + " steps)"
        : "Training loss per task").xLabel("step").yLabel("loss");
    for (String task : run.tasks()) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (RunMetrics.Step s : run.steps()) {
        Double loss = s.taskLoss().get(task);
        if (loss != null) {
          xs.add((double) s.step());
          ys.add(loss);
        }
      }
      double[] x = toArray(xs);
      Series thinned = thin(x, movingAverage(x, toArray(ys), window));
      chart.series(task, thinned.x(), thinned.y());
    }
    return chart.toSvg();
  }

  static String devChart(RunMetrics run) {
    SvgChart chart = SvgChart.line("Dev score per task").xLabel("epoch")
        .yLabel("dev score (mean of the task's metrics)").integerX();
    for (String task : run.tasks()) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      String metricNames = "";
      for (RunMetrics.Epoch e : run.epochs()) {
        Map<String, Double> metrics = e.dev().get(task);
        if (metrics != null && !metrics.isEmpty()) {
          xs.add(e.epoch() + 1.0);
          ys.add(mean(metrics.values()));
          metricNames = String.join("/", metrics.keySet());
        }
      }
      chart.series(metricNames.isEmpty() ? task : task + " (" + metricNames + ")", toArray(xs), toArray(ys));
    }
    return chart.toSvg();
  }

  static String sharesChart(RunMetrics run) {
    List<String> tasks = run.tasks();
    double[] counts = new double[tasks.size()];
    double total = 0;
    for (RunMetrics.Epoch e : run.epochs()) {
      for (int t = 0; t < tasks.size(); t++) {
        long n = e.taskCounts().getOrDefault(tasks.get(t), 0L);
        counts[t] += n;
        total += n;
      }
    }
    BarChart chart = BarChart.of("Task sampling: probability vs realised share", tasks)
        .yLabel("share of training examples").xLabel("task");
    if (!run.taskProbabilities().isEmpty()) {
      double[] p = new double[tasks.size()];
      for (int t = 0; t < tasks.size(); t++) {
        p[t] = run.taskProbabilities().getOrDefault(tasks.get(t), Double.NaN);
      }
      chart.group("sampler probability", p);
    }
    double[] share = new double[tasks.size()];
    for (int t = 0; t < tasks.size(); t++) {
      share[t] = total > 0 ? counts[t] / total : Double.NaN;
    }
    int epochs = run.epochs().size();
    chart.group(String.format(Locale.ROOT, "realised share (%,d examples, %d epoch%s)", (long) total, epochs,
        epochs == 1 ? "" : "s"), share);
    return chart.toSvg();
  }

  /** The moving-average window in steps: about 2% of the run, at least 1 (no smoothing). */
  static int smoothingWindow(int steps) {
    return Math.max(1, (int) Math.round(steps * SMOOTHING_FRACTION));
  }

  /**
   * A centred moving average: each point becomes the mean of the finite values whose x is at most
   * {@code window / 2} (rounded down) away, so the window is {@code window} steps rounded up to an odd number.
   * Centred rather than trailing so a falling loss is not drawn late; by x rather than by index because a task
   * appears only in the batches that drew it. x must be ascending.
   */
  static double[] movingAverage(double[] x, double[] y, int window) {
    int half = window / 2;
    double[] out = new double[y.length];
    int lo = 0;
    int hi = 0;
    double sum = 0;
    int n = 0;
    for (int i = 0; i < y.length; i++) {
      while (hi < y.length && x[hi] <= x[i] + half) {
        if (Double.isFinite(y[hi])) {
          sum += y[hi];
          n++;
        }
        hi++;
      }
      while (x[lo] < x[i] - half) {
        if (Double.isFinite(y[lo])) {
          sum -= y[lo];
          n--;
        }
        lo++;
      }
      out[i] = n > 0 ? sum / n : Double.NaN;
    }
    return out;
  }

  private record Series(double[] x, double[] y) {}

  /** At most {@link #MAX_POINTS} evenly spaced points of a series, the first and last kept. */
  private static Series thin(double[] x, double[] y) {
    if (x.length <= MAX_POINTS) {
      return new Series(x, y);
    }
    double[] tx = new double[MAX_POINTS];
    double[] ty = new double[MAX_POINTS];
    for (int i = 0; i < MAX_POINTS; i++) {
      int j = (int) Math.round(i * (x.length - 1) / (double) (MAX_POINTS - 1));
      tx[i] = x[j];
      ty[i] = y[j];
    }
    return new Series(tx, ty);
  }

  /** Three significant digits; scientific, as in 5e-5, where plain decimals would be long. */
  static String shortNumber(double v) {
    if (v != 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) {
      String[] parts = String.format(Locale.ROOT, "%.2e", v).split("e");
      String mantissa = new BigDecimal(parts[0]).stripTrailingZeros().toPlainString();
      return mantissa + "e" + Integer.parseInt(parts[1]);
    }
    return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  private static double mean(Iterable<Double> values) {
    double sum = 0;
    int n = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    return n > 0 ? sum / n : Double.NaN;
  }

  private static double[] toArray(List<Double> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private static Path save(Path file, String svg) throws IOException {
    AtomicFiles.writeString(file, svg);
    return file;
  }
}
