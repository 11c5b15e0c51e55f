package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.task.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch's grad mode is per thread and on in every new one (DJL turns it off only on the engine's first thread):
 * a training, a model's load and a prediction each turn it off for their own thread, so that a server's or a
 * cluster's worker thread trains and predicts as the main thread does.
 */
class GradModeThreadTest {

  @TempDir Path tmp;

  /** Runs {@code work} on a new thread whose grad mode is on, as PyTorch starts every thread. */
  private static <T> T onAFreshThread(Callable<T> work) throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      return pool.submit(() -> {
        TorchEngine.get();
        JniUtils.setGradMode(true);
        return work.call();
      }).get();
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aTrainingALoadAndAPredictionOnAnotherThreadEqualTheMainThreads() throws Exception {
    Task task = SyntheticTasks.sentiment(32, 8, 3);
    RunResult here = SyntheticTasks.tinyTrainer(tmp.resolve("main"), List.of(task)).optEpochs(1).build().train();
    RunResult there = onAFreshThread(() -> {
      RunResult run = SyntheticTasks.tinyTrainer(tmp.resolve("thread"), List.of(task)).optEpochs(1).build().train();
      assertThat(JniUtils.isGradMode()).as("grad mode after the training, on its thread").isFalse();
      return run;
    });
    assertThat(SyntheticTasks.savedWeights(there))
        .isEqualTo(SyntheticTasks.savedWeights(here));

    float[][] expected;
    try (NDManager manager = TorchEngine.newManager(); BamModel model = BamModel.load(here.modelDir(), manager)) {
      expected = model.predict(task.name(), task.dev(), 32);
    }
    float[][] predicted = onAFreshThread(() -> {
      try (NDManager manager = TorchEngine.newManager(); BamModel model = BamModel.load(here.modelDir(), manager)) {
        JniUtils.setGradMode(true); // a thread that loaded elsewhere and predicts here: the prediction turns it off
        float[][] out = model.predict(task.name(), task.dev(), 32);
        assertThat(JniUtils.isGradMode()).as("grad mode after the prediction").isFalse();
        return out;
      }
    });
    assertThat(predicted).isDeepEqualTo(expected);
  }
}
