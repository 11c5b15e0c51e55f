package io.github.bamjava.pipeline;

import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link FinalStep} that writes the final model's predictions on each task's test examples to
 * {@code <dir>/<task>.tsv}: a header {@code id<TAB>prediction}, then one line per example, in the file's order —
 * the label's name for classification, the value on the task's own scale for regression. Files of tasks without
 * test examples are deleted, so that the folder holds this run's predictions only.
 */
public final class TestPredictions implements FinalStep {

  private final List<Task> tasks;
  private final Path dir;
  private final int maxLength;

  /**
   * A step that writes the test predictions of {@code tasks} into {@code dir}.
   *
   * @param tasks the run's tasks
   * @param dir where the files go
   * @param maxLength the longest tokenized input, as in training
   */
  public TestPredictions(List<Task> tasks, Path dir, int maxLength) {
    this.tasks = List.copyOf(tasks);
    this.dir = dir;
    this.maxLength = maxLength;
  }

  @Override
  public List<Path> run(FinalModels models) throws IOException {
    Map<String, Task> withTest = new LinkedHashMap<>();
    for (Task t : tasks) {
      Path file = dir.resolve(t.name() + ".tsv");
      if (t.test().isEmpty()) {
        Files.deleteIfExists(file);
      } else {
        withTest.put(t.name(), t);
      }
    }
    List<Path> files = new ArrayList<>();
    models.forEachModel(List.copyOf(withTest.keySet()), (model, names) -> {
      for (String name : names) {
        Task task = withTest.get(name);
        float[][] outputs = model.predict(name, task.test(), maxLength);
        StringBuilder out = new StringBuilder("id\tprediction\n");
        for (int i = 0; i < outputs.length; i++) {
          Example e = task.test().get(i);
          out.append(e.id()).append('\t').append(text(task.kind(), outputs[i])).append('\n');
        }
        Path file = dir.resolve(name + ".tsv");
        AtomicFiles.writeString(file, out.toString());
        files.add(file);
      }
    });
    return files;
  }

  private static String text(TaskKind kind, float[] output) {
    double p = Evaluation.prediction(kind, output);
    if (kind instanceof TaskKind.Classification c) {
      return c.labels().get((int) p);
    }
    return String.format(Locale.ROOT, "%.4f", p);
  }
}
