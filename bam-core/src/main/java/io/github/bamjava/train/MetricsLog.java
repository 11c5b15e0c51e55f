package io.github.bamjava.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.github.bamjava.internal.io.MetricsSchema;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a run's metrics as JSON lines in the format {@link MetricsSchema} spells: a start record, one step record
 * per step (loss, per-task loss, λ, learning rate, gradient norm, throughput; under mixed precision also the loss
 * scale, and a step skipped for an overflow has a gradient norm of {@code Infinity} or {@code NaN}) and one epoch
 * record per epoch (dev metrics, realised task counts). A resumed run appends; steps repeated after a resume
 * appear twice, and readers keep the last record of a step. Each record is flushed as it is written, so a run
 * that stops with an error, or is killed, has its steps up to the last one in the log.
 */
public final class MetricsLog implements RunListener, Closeable {

  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
  private final Path file;
  private final boolean append;
  private BufferedWriter writer;

  /**
   * A log that writes {@code file} from the run's start, or appends to it when {@code append} (a resumed run; a
   * line the interrupted run left half-written is ended first).
   */
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
      start.addProperty(MetricsSchema.TYPE, MetricsSchema.START);
      start.add(MetricsSchema.Start.TASKS, GSON.toJsonTree(run.tasks()));
      start.add(MetricsSchema.Start.TASK_PROBABILITIES, GSON.toJsonTree(run.taskProbabilities()));
      start.addProperty(MetricsSchema.Start.TOTAL_STEPS, run.totalSteps());
      start.addProperty(MetricsSchema.Start.STEPS_PER_EPOCH, run.stepsPerEpoch());
      start.addProperty(MetricsSchema.Start.START_STEP, run.startStep());
      write(start);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open metrics log " + file, e);
    }
  }

  @Override
  public void onStep(StepInfo s) {
    JsonObject o = new JsonObject();
    o.addProperty(MetricsSchema.TYPE, MetricsSchema.STEP);
    o.addProperty(MetricsSchema.Step.STEP, s.step());
    o.addProperty(MetricsSchema.Step.EPOCH, s.epoch());
    o.addProperty(MetricsSchema.Step.LOSS, s.loss());
    o.add(MetricsSchema.Step.TASK_LOSS, GSON.toJsonTree(s.taskLoss()));
    o.addProperty(MetricsSchema.Step.LAMBDA, s.lambda());
    o.addProperty(MetricsSchema.Step.LEARNING_RATE, s.learningRate());
    o.addProperty(MetricsSchema.Step.GRAD_NORM, s.gradNorm());
    if (s.lossScale() != 1) {
      o.addProperty(MetricsSchema.Step.LOSS_SCALE, s.lossScale());
    }
    o.addProperty(MetricsSchema.Step.EXAMPLES, s.examples());
    o.addProperty(MetricsSchema.Step.TOKENS, s.tokens());
    o.addProperty(MetricsSchema.Step.EXAMPLES_PER_SECOND, s.examplesPerSecond());
    write(o);
  }

  @Override
  public void onEpochEnd(EpochResult e) {
    JsonObject o = new JsonObject();
    o.addProperty(MetricsSchema.TYPE, MetricsSchema.EPOCH);
    o.addProperty(MetricsSchema.Epoch.EPOCH, e.epoch());
    o.addProperty(MetricsSchema.Epoch.STEP, e.step());
    o.add(MetricsSchema.Epoch.DEV, GSON.toJsonTree(e.dev()));
    o.add(MetricsSchema.Epoch.TASK_COUNTS, GSON.toJsonTree(e.taskCounts()));
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
