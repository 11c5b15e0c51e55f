package io.github.bamjava.distill;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A teacher's outputs on one shard of its task's training examples: a part of a large predictions pass that a
 * cluster computes as a task of its own. Each shard records the positions of its examples in the training list
 * (their stable ids within the task) and the fingerprint of those examples, so that {@link #merge} puts every
 * output back in its place and refuses a shard made on other examples; the merged {@link TeacherPredictions} is
 * the one an unsharded pass writes, byte for byte.
 *
 * <p>A shard's file is a teacher predictions file of its examples (so it never passes for the whole task's: its
 * fingerprint is of other examples) with the positions as a tensor {@code positions} and the manifest entries
 * {@code shard} and {@code shards}. Positions are stored as float32, exact up to 2^24: a training set of more
 * examples is refused.
 *
 * @param shard which shard, from 0
 * @param shards how many shards the task's examples are split into
 * @param positions the positions of the shard's examples in the task's training list, ascending
 * @param predictions the outputs on those examples, in that order
 */
public record PredictionShard(int shard, int shards, int[] positions, TeacherPredictions predictions) {

  /** The most training examples whose positions a shard file stores exactly (float32 integers). */
  public static final int MAX_EXAMPLES = 1 << 24;

  private static final String POSITIONS = "positions";

  /** Checks the shard's place and that it has one output per position. */
  public PredictionShard {
    checkArgument(shards >= 1 && shard >= 0 && shard < shards, "shard %s of %s", shard, shards);
    requireNonNull(positions, "positions");
    requireNonNull(predictions, "predictions");
    checkArgument(predictions.size() == positions.length, "shard %s: %s outputs for %s positions", shard,
        predictions.size(), positions.length);
  }

  /** The examples at {@code positions} of the task's training list, in that order. */
  public static List<Example> examples(Task task, int[] positions) {
    List<Example> train = task.train();
    checkArgument(train.size() <= MAX_EXAMPLES, "%s has %s training examples; predictions are sharded for at most"
        + " %s", task.name(), train.size(), MAX_EXAMPLES);
    List<Example> out = new ArrayList<>(positions.length);
    for (int p : positions) {
      out.add(train.get(p));
    }
    return out;
  }

  /** Writes the shard atomically. */
  public void write(Path file) throws IOException {
    float[] at = new float[positions.length];
    for (int i = 0; i < positions.length; i++) {
      at[i] = positions[i];
    }
    predictions.write(file, Map.of(POSITIONS, new HostTensor(new long[] {positions.length}, at)),
        Map.of("shard", Integer.toString(shard), "shards", Integer.toString(shards)));
  }

  /**
   * Reads a shard written by {@link #write}.
   *
   * @throws IOException or IllegalArgumentException naming the file when it is torn, not a shard, or its positions
   *     are not whole numbers in ascending order
   */
  public static PredictionShard read(Path file) throws IOException {
    TeacherPredictions predictions = TeacherPredictions.read(file);
    Map<String, String> manifest = SafeTensors.readMetadata(file);
    HostTensor at = SafeTensors.read(file).get(POSITIONS);
    checkArgument(at != null && manifest.containsKey("shard") && manifest.containsKey("shards"),
        "%s is not a predictions shard (no %s tensor, or no shard/shards in its manifest)", file, POSITIONS);
    int[] positions = new int[at.values().length];
    for (int i = 0; i < positions.length; i++) {
      float v = at.values()[i];
      checkArgument(v == Math.rint(v) && v >= 0 && (i == 0 || v > positions[i - 1]),
          "%s: position %s is %s; positions are ascending whole numbers", file, i, v);
      positions[i] = (int) v;
    }
    try {
      return new PredictionShard(Integer.parseInt(manifest.get("shard")), Integer.parseInt(manifest.get("shards")),
          positions, predictions);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The task's predictions from all of its shards: each shard's outputs put back at its positions, after checking
   * that the shards are {@code 0..n-1} of {@code n}, that each was made on the examples at its positions (their
   * fingerprint) and that together they hold every training example once. Made as an unsharded pass makes them
   * ({@link TeacherPredictions#ofLogits} for a classification teacher), so its file is the same, byte for byte.
   *
   * @throws IllegalArgumentException saying which shard does not fit
   */
  public static TeacherPredictions merge(Task task, List<PredictionShard> shards) {
    int n = task.train().size();
    checkArgument(!shards.isEmpty(), "no shards of %s to merge", task.name());
    float[][] outputs = new float[n][];
    for (int s = 0; s < shards.size(); s++) {
      PredictionShard shard = shards.get(s);
      checkArgument(shard.shard() == s && shard.shards() == shards.size(), "%s: shard %s of %s given as shard %s"
          + " of %s", task.name(), shard.shard(), shard.shards(), s, shards.size());
      for (int p : shard.positions()) {
        checkArgument(p < n, "%s: shard %s names example %s, but the task has %s training examples", task.name(),
            s, p, n);
      }
      try {
        shard.predictions().checkMatches(task, examples(task, shard.positions()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("shard " + s + " of " + task.name() + ": " + e.getMessage(), e);
      }
      float[][] rows = shard.predictions().logits() != null ? shard.predictions().logits()
          : shard.predictions().values();
      for (int i = 0; i < shard.positions().length; i++) {
        int p = shard.positions()[i];
        checkArgument(outputs[p] == null, "%s: example %s is in two shards", task.name(), p);
        outputs[p] = rows[i];
      }
    }
    for (int p = 0; p < n; p++) {
      checkArgument(outputs[p] != null, "%s: example %s (id %s) is in no shard", task.name(), p,
          task.train().get(p).id());
    }
    return task.kind() instanceof TaskKind.Classification ? TeacherPredictions.ofLogits(task, task.train(), outputs)
        : TeacherPredictions.of(task, task.train(), outputs);
  }
}
