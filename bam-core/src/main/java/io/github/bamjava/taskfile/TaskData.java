package io.github.bamjava.taskfile;

import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetric;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link TaskSpec}'s data read into a {@link Task}, every row checked: its texts there (both of a pair), its label
 * one of the task's labels or a number in its range, its id unique; no split empty; at least two classes in
 * training. The first fault is a {@link TaskFileException} naming the file, the line and the field.
 */
final class TaskData {

  private TaskData() {}

  static Task read(TaskSpec spec) throws IOException {
    List<Example> train = split(spec, spec.train(), "train", true);
    List<Example> dev = split(spec, spec.dev(), "dev", true);
    List<Example> test = spec.test() == null ? List.of() : split(spec, spec.test(), "test", false);
    if (spec.kind() instanceof TaskKind.Classification) {
      Set<String> classes = new LinkedHashSet<>();
      train.forEach(e -> classes.add(e.label()));
      if (classes.size() < 2) {
        throw new TaskFileException(spec.train(), 0, "field '" + spec.labelField() + "': every training example"
            + " of task " + spec.name() + " has the label " + classes + "; a classifier needs at least two classes"
            + " in training");
      }
    }
    return Task.builder(spec.name(), spec.kind())
        .setTrain(spec.trainCap().apply(train))
        .optDev(dev)
        .optTest(test)
        .optMetrics(spec.metrics().toArray(new TaskMetric[0]))
        .build();
  }

  private static List<Example> split(TaskSpec spec, Path file, String split, boolean labelled) throws IOException {
    String what = "the " + split + " file of task " + spec.name();
    List<String> fields = new ArrayList<>(List.of(spec.textField()));
    if (spec.pairField() != null) {
      fields.add(spec.pairField());
    }
    if (labelled) {
      fields.add(spec.labelField());
    }
    if (spec.idField() != null) {
      fields.add(spec.idField());
    }
    List<DataRow> rows = DataFiles.read(file, spec.format(), fields, what);
    if (rows.isEmpty()) {
      throw new TaskFileException(file, 0, "no examples: " + what + " is empty");
    }
    List<Example> examples = new ArrayList<>(rows.size());
    Map<String, Integer> ids = new HashMap<>();
    for (DataRow row : rows) {
      String id = spec.idField() == null ? Integer.toString(row.line()) : text(row, spec.idField(), "id");
      Integer earlier = ids.put(id, row.line());
      if (earlier != null) {
        throw row.error(spec.idField(), "'" + id + "' is the id of line " + earlier + " too; ids must be unique");
      }
      String a = text(row, spec.textField(), "text");
      String b = spec.pairField() == null ? null
          : text(row, spec.pairField(), "second text (a pair task needs both texts on every row)");
      String label = labelled ? label(spec, row) : null;
      examples.add(new Example(id, a, b, label));
    }
    return examples;
  }

  private static String text(DataRow row, String field, String what) throws TaskFileException {
    String value = row.get(field);
    if (value == null) {
      throw row.error(field, "is missing: it holds the " + what);
    }
    if (value.isBlank()) {
      throw row.error(field, "is empty: it holds the " + what);
    }
    return value;
  }

  private static String label(TaskSpec spec, DataRow row) throws TaskFileException {
    String field = spec.labelField();
    String value = row.get(field);
    if (value == null || value.isEmpty()) {
      throw row.error(field, "is missing: every train and dev row needs a label");
    }
    if (spec.kind() instanceof TaskKind.Classification c) {
      if (!c.labels().contains(value)) {
        throw row.error(field, "'" + value + "' is not one of the task's labels " + c.labels());
      }
      return value;
    }
    TaskKind.Regression r = (TaskKind.Regression) spec.kind();
    double v;
    try {
      v = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw row.error(field, "'" + value + "' is not a number (a regression label)");
    }
    if (!Double.isFinite(v) || v < r.min() || v > r.max()) {
      throw row.error(field, value.trim() + " is outside the task's range [" + fmt(r.min()) + ", " + fmt(r.max())
          + "]");
    }
    return value.trim();
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
