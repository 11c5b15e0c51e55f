package io.github.bamjava.pipeline;

import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.runtime.TorchEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The model that predicts each task of a method (the teachers, the student, the fine-tuned models), loaded on the
 * run's device, each model once for all the tasks it predicts.
 */
public final class FinalModels {

  /** Work on one loaded model and the tasks it predicts, in the order they were asked for. */
  @FunctionalInterface
  public interface ModelWork {
    /** Uses {@code model} for {@code tasks}; the model is closed afterwards. */
    void accept(BamModel model, List<String> tasks) throws IOException;
  }

  private final Function<String, Path> modelOf;
  private final @Nullable Device device;

  /**
   * The models of a method.
   *
   * @param modelOf the saved model directory of a task
   * @param device where models are loaded, or null for DJL's default device
   */
  public FinalModels(Function<String, Path> modelOf, @Nullable Device device) {
    this.modelOf = requireNonNull(modelOf, "modelOf");
    this.device = device;
  }

  /** The saved model directory that predicts {@code task}. */
  public Path modelOf(String task) {
    return modelOf.apply(task);
  }

  /** Loads each model of {@code tasks} once, in first-use order, and hands it the tasks it predicts. */
  public void forEachModel(List<String> tasks, ModelWork work) throws IOException {
    Map<Path, List<String>> byModel = new LinkedHashMap<>();
    for (String task : tasks) {
      byModel.computeIfAbsent(modelOf(task), p -> new ArrayList<>()).add(task);
    }
    for (Map.Entry<Path, List<String>> group : byModel.entrySet()) {
      try (NDManager manager = newManager(device); BamModel model = BamModel.load(group.getKey(), manager)) {
        work.accept(model, group.getValue());
      }
    }
  }

  /** A manager on {@code device} (null: DJL's default), for a loaded model. */
  static NDManager newManager(@Nullable Device device) {
    return TorchEngine.newManager(device);
  }
}
