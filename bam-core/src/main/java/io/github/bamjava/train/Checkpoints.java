package io.github.bamjava.train;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.internal.io.JsonFiles;
import io.github.bamjava.optim.LossScale;
import io.github.bamjava.optim.OptimizerState;
import io.github.bamjava.weights.FloatTensor;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Periodic checkpoints of a run: model weights, optimizer moments and the trainer's position, so a killed run
 * resumes where it stopped and ends exactly as an uninterrupted one.
 *
 * <p>Each checkpoint is a directory {@code step-<n>} ({@code model.safetensors}, {@code optimizer.safetensors},
 * {@code state.json}). Only when it is complete is the one-line file {@code LATEST} replaced, atomically, to
 * name it; then all but the newest {@code keep} checkpoints are deleted. A kill at any moment leaves
 * {@code LATEST} naming a complete checkpoint (or no checkpoint at all), never a half-written one.
 *
 * <p>The model's weights are always FP32: under mixed precision they are the optimizer's master weights, and the
 * loss scale is kept with the optimizer's step count in {@code optimizer.safetensors}' metadata, so that a resumed
 * mixed-precision run continues exactly.
 */
final class Checkpoints {

  static final String LATEST = "LATEST";
  private static final String STEP_COUNT = "step_count";
  private static final String LOSS_SCALE = "loss_scale";
  private static final String LOSS_SCALE_STABLE_STEPS = "loss_scale_stable_steps";

  /** A restored checkpoint. */
  record Checkpoint(long step, Map<String, HostTensor> model, OptimizerState optimizer, JsonObject state) {}

  private final Path dir;
  private final int keep;
  /** Runs between the model and optimizer files: lets tests kill a write halfway. */
  private Runnable midWriteHook = () -> {};

  /** @param keep how many of the newest checkpoints to keep after each write, at least 1 */
  Checkpoints(Path dir, int keep) {
    checkArgument(keep >= 1, "keep at least one checkpoint, got %s", keep);
    this.dir = dir;
    this.keep = keep;
  }

  void setMidWriteHook(Runnable hook) {
    this.midWriteHook = hook;
  }

  Optional<Checkpoint> latest() throws IOException {
    Path latest = dir.resolve(LATEST);
    if (!Files.isRegularFile(latest)) {
      return Optional.empty();
    }
    String name = Files.readString(latest, StandardCharsets.UTF_8).trim();
    Path step = dir.resolve(name);
    checkArgument(Files.isDirectory(step), "%s names %s, which does not exist", latest, step);
    Path stateFile = step.resolve("state.json");
    JsonObject state = JsonFiles.readObject(stateFile);
    Map<String, HostTensor> model = SafeTensors.read(step.resolve("model.safetensors"));
    Map<String, HostTensor> moments = SafeTensors.read(step.resolve("optimizer.safetensors"));
    Map<String, String> metadata = SafeTensors.readMetadata(step.resolve("optimizer.safetensors"));
    Path optimizerFile = step.resolve("optimizer.safetensors");
    int optimizerSteps = number(metadata, STEP_COUNT, optimizerFile, Integer::parseInt);
    LossScale lossScale = metadata.containsKey(LOSS_SCALE) ? new LossScale(
        number(metadata, LOSS_SCALE, optimizerFile, Double::parseDouble),
        number(metadata, LOSS_SCALE_STABLE_STEPS, optimizerFile, Integer::parseInt))
        : null;
    checkArgument(state.has("step"), "%s has no \"step\": not a checkpoint of this library", stateFile);
    JsonElement stepValue = state.get("step");
    checkArgument(stepValue.isJsonPrimitive() && stepValue.getAsJsonPrimitive().isNumber(),
        "%s has \"step\": %s, which is not a number: the checkpoint is damaged", stateFile, stepValue);
    return Optional.of(new Checkpoint(stepValue.getAsLong(), model,
        new OptimizerState(optimizerSteps, moments, lossScale), state));
  }

  /** A number in a checkpoint file's metadata, which holds strings; a missing or malformed one names the file. */
  private static <T> T number(Map<String, String> metadata, String key, Path file, Function<String, T> parse) {
    checkArgument(metadata.containsKey(key), "%s has no \"%s\" in its metadata: not a checkpoint of this library",
        file, key);
    String value = metadata.get(key);
    try {
      return parse.apply(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(String.format("%s has \"%s\": \"%s\" in its metadata, which is not a"
          + " number: the checkpoint is damaged", file, key, value), e);
    }
  }

  /**
   * Writes the checkpoint of {@code step}. The tensors may be views of the model and the optimizer (their {@code
   * weightViews()} and {@code stateView()}): they are read here, one at a time, and nothing keeps them after.
   */
  void write(long step, Map<String, ? extends FloatTensor> model, OptimizerState optimizer, JsonObject state)
      throws IOException {
    Files.createDirectories(dir);
    String name = "step-" + step;
    Path target = dir.resolve(name);
    AtomicFiles.deleteRecursively(target);
    Path tmp = AtomicFiles.createTempDirectory(dir, name + ".tmp-");
    boolean moved = false;
    boolean complete = false;
    try {
      SafeTensors.write(tmp.resolve("model.safetensors"), model, Map.of("step", Long.toString(step)));
      midWriteHook.run();
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put(STEP_COUNT, Integer.toString(optimizer.stepCount()));
      if (optimizer.lossScale() != null) {
        // A power of two: its decimal form reads back exactly.
        metadata.put(LOSS_SCALE, Double.toString(optimizer.lossScale().scale()));
        metadata.put(LOSS_SCALE_STABLE_STEPS, Integer.toString(optimizer.lossScale().stableSteps()));
      }
      SafeTensors.write(tmp.resolve("optimizer.safetensors"), optimizer.tensors(), metadata);
      AtomicFiles.writeString(tmp.resolve("state.json"), state.toString());
      AtomicFiles.installDirectory(tmp, target);
      moved = true;
      AtomicFiles.writeString(dir.resolve(LATEST), name + "\n");
      complete = true;
    } catch (IOException | UncheckedIOException e) {
      // A full disk says "No space left on device" and nothing more: say which checkpoint it was.
      IOException cause = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
      throw new IOException(String.format("could not write the checkpoint of step %s to %s (%s); its partial"
          + " copy %s was removed", step, target, cause.getMessage(), tmp), cause);
    } finally {
      if (!complete) {
        // Each failed write would otherwise leave a model-sized folder behind, one more every retry.
        deleteQuietly(tmp);
        if (moved) {
          // Complete but not named by LATEST, which still names the previous checkpoint.
          deleteQuietly(target);
        }
      }
    }
    deleteAllBut(step);
  }

  /** Deletes every checkpoint: what a finished run does unless asked to keep its last one. */
  void deleteAll() throws IOException {
    AtomicFiles.deleteRecursively(dir);
  }

  private static long stepOf(Path checkpoint) {
    return Long.parseLong(checkpoint.getFileName().toString().substring("step-".length()));
  }

  private static void deleteQuietly(Path path) {
    try {
      AtomicFiles.deleteRecursively(path);
    } catch (IOException | UncheckedIOException e) {
      // The error that made the write fail matters more; the next write removes leftovers.
    }
  }

  /**
   * Removes all but the newest {@code keep} checkpoints up to {@code latest}, the one {@code LATEST} now names;
   * checkpoints after it, and leftovers of interrupted writes. A checkpoint numbered after the latest was never
   * named by {@code LATEST}: an earlier process was killed between writing it and naming it, and this one
   * resumed from the one before. Keeping it as "the newest" would delete the one {@code LATEST} names.
   */
  private void deleteAllBut(long latest) throws IOException {
    List<Path> complete = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "step-*")) {
      for (Path p : entries) {
        if (!p.getFileName().toString().matches("step-\\d+")) {
          AtomicFiles.deleteRecursively(p); // a step-N.tmp-* folder of a write that was killed
        } else if (stepOf(p) > latest) {
          AtomicFiles.deleteRecursively(p);
        } else {
          complete.add(p);
        }
      }
    }
    complete.sort(Comparator.comparingLong(Checkpoints::stepOf));
    for (Path p : complete.subList(0, Math.max(0, complete.size() - keep))) {
      AtomicFiles.deleteRecursively(p);
    }
  }
}
