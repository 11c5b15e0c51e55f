package io.github.bamjava.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a run's metrics as JSON lines: one {@code "type":"step"} record per step (loss, per-task loss, λ,
 * learning rate, gradient norm, throughput; under mixed precision also the loss scale, {@code "loss_scale"},
 * and a step skipped for an overflow has a {@code grad_norm} of {@code Infinity} or {@code NaN}) and one
 * {@code "type":"epoch"} record per epoch (dev metrics, realised task counts). A resumed run appends; steps repeated after a resume appear twice, and readers keep
 * the last record of a step. Each record is flushed as it is written, so a run that stops with an error, or is
 * killed, has its steps up to the last one in the log.
 */
public final class MetricsLog implements RunListener, Closeable {

  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
  private final Path file;
  private final boolean append;
  private BufferedWriter writer;

  public MetricsLog(Path file, boolean append) {
    this.file = file;
    this.append = append;
  }

  @Override
  public void onTrainingStart(RunInfo run) {
    try {
      boolean brokenLastLine = append && endsMidLine(file);
      writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
      if (brokenLastLine) {
        // A killed run may have left half a line; start ours on a fresh one so every record stays parseable.
        writer.newLine();
      }
      JsonObject start = new JsonObject();
      start.addProperty("type", "start");
      start.add("tasks", GSON.toJsonTree(run.tasks()));
      start.add("task_probabilities", GSON.toJsonTree(run.taskProbabilities()));
      start.addProperty("total_steps", run.totalSteps());
      start.addProperty("steps_per_epoch", run.stepsPerEpoch());
      start.addProperty("start_step", run.startStep());
      write(start);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open metrics log " + file, e);
    }
  }

  @Override
  public void onStep(StepInfo s) {
    JsonObject o = new JsonObject();
    o.addProperty("type", "step");
    o.addProperty("step", s.step());
    o.addProperty("epoch", s.epoch());
    o.addProperty("loss", s.loss());
    o.add("task_loss", GSON.toJsonTree(s.taskLoss()));
    o.addProperty("lambda", s.lambda());
    o.addProperty("lr", s.learningRate());
    o.addProperty("grad_norm", s.gradNorm());
    if (s.lossScale() != 1) {
      o.addProperty("loss_scale", s.lossScale());
    }
    o.addProperty("examples", s.examples());
    o.addProperty("tokens", s.tokens());
    o.addProperty("examples_per_s", s.examplesPerSecond());
    write(o);
  }

  @Override
  public void onEpochEnd(EpochResult e) {
    JsonObject o = new JsonObject();
    o.addProperty("type", "epoch");
    o.addProperty("epoch", e.epoch());
    o.addProperty("step", e.step());
    o.add("dev", GSON.toJsonTree(e.dev()));
    o.add("task_counts", GSON.toJsonTree(e.taskCounts()));
    write(o);
  }

  @Override
  public void onTrainingEnd(RunResult result) {
    close();
  }

  /** Closes the file; the trainer calls it however the run ends. Closing twice does nothing. */
  @Override
  public void close() {
    if (writer == null) {
      return;
    }
    try {
      writer.close();
      writer = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close metrics log " + file, e);
    }
  }

  private static boolean endsMidLine(Path file) throws IOException {
    if (!Files.exists(file) || Files.size(file) == 0) {
      return false;
    }
    try (var channel = Files.newByteChannel(file)) {
      channel.position(channel.size() - 1);
      java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
      channel.read(last);
      return last.get(0) != '\n';
    }
  }

  private void write(JsonObject o) {
    try {
      writer.write(GSON.toJson(o));
      writer.newLine();
      // One short write per step (a step takes 0.1 s or more): cheap, and nothing waits in a buffer.
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics log " + file, e);
    }
  }
}
