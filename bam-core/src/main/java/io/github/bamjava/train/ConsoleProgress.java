package io.github.bamjava.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * A console progress line: step, loss, λ, learning rate, examples/s and time left. On a terminal it redraws
 * one line; in a log (no console) it prints a line every {@code interval} seconds so logs stay short.
 */
public final class ConsoleProgress implements RunListener {

  private final PrintStream out;
  private final boolean terminal;
  private final double intervalSeconds;
  private long lastPrint;
  /** A terminal line redrawn with {@code \r} and not yet ended: the epoch line must start on a new one. */
  private boolean lineOpen;

  /** Progress on standard output, redrawn in place when it is a terminal, at most every 10 seconds. */
  public ConsoleProgress() {
    this(System.out, System.console() != null, 10);
  }

  /**
   * Progress on {@code out}: one line redrawn with a carriage return when {@code terminal}, else a line at most every
   * {@code intervalSeconds}.
   */
  public ConsoleProgress(PrintStream out, boolean terminal, double intervalSeconds) {
    this.out = out;
    this.terminal = terminal;
    this.intervalSeconds = intervalSeconds;
  }

  @Override
  public void onTrainingStart(RunInfo run) {
    StringBuilder shares = new StringBuilder();
    for (int t = 0; t < run.tasks().size(); t++) {
      shares.append(String.format(Locale.ROOT, " %s %.1f%%", run.tasks().get(t),
          100 * run.taskProbabilities()[t]));
    }
    out.printf(Locale.ROOT, "training %d steps (%d per epoch)%s; task shares:%s%n", run.totalSteps(),
        run.stepsPerEpoch(), run.startStep() > 0 ? ", resuming at step " + run.startStep() : "", shares);
    lastPrint = System.nanoTime();
  }

  @Override
  public void onStep(StepInfo s) {
    long now = System.nanoTime();
    boolean last = s.step() == s.totalSteps();
    if (!terminal && !last && (now - lastPrint) / 1e9 < intervalSeconds) {
      return;
    }
    lastPrint = now;
    int width = 24;
    int filled = (int) (width * s.step() / Math.max(1, s.totalSteps()));
    String bar = "#".repeat(filled) + "-".repeat(width - filled);
    String line = String.format(Locale.ROOT, "[%s] %d/%d loss %.4f λ %.2f lr %.2e %.1f ex/s eta %s", bar,
        s.step(), s.totalSteps(), s.loss(), s.lambda(), s.learningRate(), s.examplesPerSecond(),
        duration(s.secondsLeft()));
    if (terminal) {
      out.print("\r" + line + (last ? System.lineSeparator() : ""));
      lineOpen = !last;
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public void onEpochEnd(EpochResult e) {
    if (lineOpen) {
      out.println();
      lineOpen = false;
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Map<String, Double>> t : e.dev().entrySet()) {
      sb.append(' ').append(t.getKey());
      t.getValue().forEach((m, v) -> sb.append(String.format(Locale.ROOT, " %s=%.4f", m, v)));
      sb.append(';');
    }
    out.printf(Locale.ROOT, "epoch %d %s%n", e.epoch() + 1, sb.isEmpty() ? "done (no dev set)" : "dev:" + sb);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
