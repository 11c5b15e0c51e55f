package io.github.bamjava.taskfile;

import static java.util.Objects.requireNonNull;

import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetric;
import io.github.bamjava.task.TrainCap;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One task as a task file declares it: what it predicts, where its data is and which fields hold what. Paths are
 * resolved against the task file's folder.
 *
 * @param name the task's name (letters, digits, '_' or '-'): its head, its folders and its row in the results
 * @param kind classification with its labels, or regression with its range
 * @param train the training file
 * @param dev the dev file, scored by every method
 * @param test an unlabelled test file, or null; read and checked before training
 * @param format how the three files are written
 * @param textField the field that holds the text (the first text of a pair)
 * @param pairField the field that holds the second text of a pair, or null for single texts
 * @param labelField the field that holds the label
 * @param idField the field that holds each row's id, or null to name rows by their line
 * @param metrics the dev metrics, the first the headline
 * @param trainCap how many training examples to keep
 */
public record TaskSpec(String name, TaskKind kind, Path train, Path dev, @Nullable Path test, DataFormat format,
    String textField, @Nullable String pairField, String labelField, @Nullable String idField,
    List<TaskMetric> metrics, TrainCap trainCap) {

  /** Checks that the required parts are there and copies the metrics. */
  public TaskSpec {
    requireNonNull(name, "name");
    requireNonNull(kind, "kind");
    requireNonNull(train, "train");
    requireNonNull(dev, "dev");
    requireNonNull(format, "format");
    requireNonNull(textField, "textField");
    requireNonNull(labelField, "labelField");
    metrics = List.copyOf(metrics);
    requireNonNull(trainCap, "trainCap");
  }
}
