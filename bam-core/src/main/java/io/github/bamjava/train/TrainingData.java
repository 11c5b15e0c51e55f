package io.github.bamjava.train;

import io.github.bamjava.distill.AnnealedTarget;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.internal.sampling.ExampleRef;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.text.EncodedPair;
import io.github.bamjava.text.PairTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every task's training examples, tokenized once, with their gold targets and (where a task has a teacher) the
 * teacher's outputs; turns a planned batch into encodings and annealed targets.
 */
final class TrainingData {

  /**
   * One minibatch ready for the model.
   *
   * @param taskOf each example's task index
   * @param encodings each example's tokens
   * @param targets each example's annealed target
   * @param counts examples per task in this batch
   * @param tokens real tokens in this batch
   */
  record Batch(int[] taskOf, List<EncodedPair> encodings, List<float[]> targets, int[] counts, long tokens) {}

  private final List<TaskKind> kinds = new ArrayList<>();
  private final List<List<EncodedPair>> encodings = new ArrayList<>();
  private final int[][] lengths;
  private final float[][] gold;
  private final float[][][] teacher;

  /**
   * Checks each teacher against its task's examples, then tokenizes every training example.
   *
   * @param temperature the temperature of classification teachers' soft targets (1: their probabilities)
   */
  TrainingData(List<Task> tasks, Map<String, TeacherPredictions> teachers, double temperature,
      PairTokenizer tokenizer, int maxLength) {
    lengths = new int[tasks.size()][];
    gold = new float[tasks.size()][];
    teacher = new float[tasks.size()][][];
    for (int t = 0; t < tasks.size(); t++) {
      Task task = tasks.get(t);
      TeacherPredictions predictions = teachers.get(task.name());
      if (predictions != null) {
        predictions.checkMatches(task, task.train());
        teacher[t] = predictions.softTargets(temperature);
      }
      kinds.add(task.kind());
      List<EncodedPair> encoded = new ArrayList<>(task.train().size());
      lengths[t] = new int[task.train().size()];
      gold[t] = new float[task.train().size()];
      for (int i = 0; i < task.train().size(); i++) {
        Example e = task.train().get(i);
        EncodedPair encoding = tokenizer.encode(e.textA(), e.textB(), maxLength);
        encoded.add(encoding);
        lengths[t][i] = encoding.length();
        gold[t][i] = task.target(e);
      }
      encodings.add(encoded);
    }
  }

  /** Token counts of every training example, per task: what the batcher plans with. */
  int[][] lengths() {
    return lengths;
  }

  /** The examples of a planned batch with their targets λ·gold + (1−λ)·teacher. */
  Batch batch(List<ExampleRef> refs, double lambda) {
    int[] taskOf = new int[refs.size()];
    List<EncodedPair> batchEncodings = new ArrayList<>(refs.size());
    List<float[]> targets = new ArrayList<>(refs.size());
    int[] counts = new int[kinds.size()];
    long tokens = 0;
    for (int i = 0; i < refs.size(); i++) {
      int t = refs.get(i).task();
      int index = refs.get(i).index();
      taskOf[i] = t;
      counts[t]++;
      EncodedPair encoding = encodings.get(t).get(index);
      batchEncodings.add(encoding);
      tokens += encoding.length();
      float[] teacherRow = teacher[t] == null ? null : teacher[t][index];
      targets.add(kinds.get(t) instanceof TaskKind.Classification c
          ? AnnealedTarget.classification((int) gold[t][index], c.outputSize(), teacherRow, lambda)
          : AnnealedTarget.regression(gold[t][index], teacherRow, lambda));
    }
    return new Batch(taskOf, batchEncodings, targets, counts, tokens);
  }
}
