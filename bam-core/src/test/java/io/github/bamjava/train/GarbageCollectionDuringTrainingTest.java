package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.task.Task;
import io.github.bamjava.weights.HostTensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training gives the same parameters whether or not the garbage collector runs in the middle of its steps.
 *
 * <p>DJL turns a Java number operand ({@code x.mul(0.125f)}) into an array over a direct buffer and drops it
 * right after the operation; autograd keeps that array for the backward pass. A collection between forward and
 * backward frees the buffer, and the backward pass then reads whatever was allocated there since: wrong
 * gradients, silently, now and then (the launcher's direct-memory cap makes collections more frequent). Here a
 * thread forces collections every few milliseconds.
 */
class GarbageCollectionDuringTrainingTest {

  @TempDir Path dir;

  @Test
  void collectionsDuringStepsChangeNothing() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(64, 8, 1), SyntheticTasks.stars(48, 8, 3));
    Map<String, HostTensor> quiet = train(dir.resolve("quiet"), tasks);
    Thread collector = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        System.gc();
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    collector.setDaemon(true);
    collector.start();
    try {
      for (int run = 0; run < 2; run++) {
        assertThat(train(dir.resolve("collected-" + run), tasks)).as("run %s with collections", run)
            .isEqualTo(quiet);
      }
    } finally {
      collector.interrupt();
      collector.join();
    }
  }

  private static Map<String, HostTensor> train(Path out, List<Task> tasks) throws Exception {
    RunResult result = SyntheticTasks.tinyTrainer(out, tasks).optEpochs(2).build()
        .train();
    return SyntheticTasks.savedWeights(result);
  }
}
