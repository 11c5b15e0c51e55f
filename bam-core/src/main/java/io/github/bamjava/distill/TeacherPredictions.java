package io.github.bamjava.distill;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A teacher's outputs on a task's training examples: what the student distils from.
 *
 * <p>Rows follow the examples' order: class probabilities [n, k] for classification, the scaled value [n, 1]
 * in [0, 1] for regression. A classification teacher made by this library also keeps its logits, so that a
 * student can soften the targets with a temperature ({@link #softTargets}); for files without them (written by
 * earlier versions, or an ensemble's average) the log-probabilities stand in, which give the same softened
 * distribution, since log-probabilities are the logits less a per-row constant.
 *
 * <p>The file is a safetensors file holding {@code predictions} (and {@code logits} where kept), whose
 * {@code __metadata__} is the manifest: {@code format} ({@value #FORMAT}), {@code task}, {@code kind}
 * ("classification" or "regression"), {@code labels} (a JSON list, or the range for regression),
 * {@code examples} (the count) and {@code fingerprint} ({@link ExampleFingerprint} of the examples). The
 * student checks the manifest against its own examples before training and refuses a file made for other
 * examples or another label space.
 *
 * @param task the task's name
 * @param kind the task's kind (label space)
 * @param fingerprint the fingerprint of the examples the predictions were made on
 * @param values the predictions, one row per example
 * @param logits a classification teacher's logits, one row per example, or null when not kept
 */
public record TeacherPredictions(String task, TaskKind kind, String fingerprint, float[][] values,
    float @Nullable [][] logits) {

  /** The manifest's format tag. */
  public static final String FORMAT = "bam-teacher-predictions-1";

  /** Checks that every row holds the task kind's output size of values. */
  public TeacherPredictions {
    requireNonNull(task, "task");
    requireNonNull(kind, "kind");
    requireNonNull(fingerprint, "fingerprint");
    for (int i = 0; i < values.length; i++) {
      checkArgument(values[i].length == kind.outputSize(), "teacher for %s: row %s has %s values, expected %s",
          task, i, values[i].length, kind.outputSize());
      for (float v : values[i]) {
        // A NaN or infinity can only come from a diverged teacher or a corrupt file; it would poison the student.
        checkArgument(Float.isFinite(v), "teacher for %s: row %s holds %s; predictions must be finite numbers",
            task, i, v);
      }
    }
    if (logits != null) {
      checkArgument(kind instanceof TaskKind.Classification, "teacher for %s: logits are for classification", task);
      checkArgument(logits.length == values.length, "teacher for %s: %s rows of logits for %s predictions", task,
          logits.length, values.length);
      for (int i = 0; i < logits.length; i++) {
        checkArgument(logits[i].length == kind.outputSize(), "teacher for %s: logits row %s has %s values", task, i,
            logits[i].length);
        for (float v : logits[i]) {
          checkArgument(Float.isFinite(v), "teacher for %s: logits row %s holds %s; logits must be finite numbers",
              task, i, v);
        }
      }
    }
  }

  /**
   * A SHA-256 over the examples' fingerprint and every value (and logit): two teachers that made other
   * predictions on the same examples differ here, so a student's run key changes with its teacher.
   */
  public String contentHash() {
    Hasher hasher = Hashing.sha256().newHasher();
    hasher.putString(fingerprint, StandardCharsets.UTF_8);
    float[][][] tables = logits == null ? new float[][][] {values} : new float[][][] {values, logits};
    for (float[][] table : tables) {
      hasher.putInt(table.length);
      for (float[] row : table) {
        for (float v : row) {
          hasher.putFloat(v);
        }
      }
    }
    return hasher.hash().toString();
  }

  /** Predictions without logits (regression, an ensemble, a file of an earlier version). */
  public TeacherPredictions(String task, TaskKind kind, String fingerprint, float[][] values) {
    this(task, kind, fingerprint, values, null);
  }

  /**
   * A classification teacher's logits on {@code examples} of {@code task}: its probabilities are their softmax.
   */
  public static TeacherPredictions ofLogits(Task task, List<Example> examples, float[][] logits) {
    checkArgument(task.kind() instanceof TaskKind.Classification, "logits are for classification; %s is %s",
        task.name(), task.kind());
    checkArgument(logits.length == examples.size(), "teacher for %s: %s predictions for %s examples",
        task.name(), logits.length, examples.size());
    float[][] probabilities = new float[logits.length][];
    for (int i = 0; i < logits.length; i++) {
      probabilities[i] = softmax(logits[i], 1.0);
    }
    return new TeacherPredictions(task.name(), task.kind(), ExampleFingerprint.of(examples), probabilities,
        logits);
  }

  /**
   * The student's soft targets at a temperature: softmax(logits / T) per example for classification (T = 1 gives
   * the stored probabilities unchanged; T > 1 softens them), the values themselves for regression.
   */
  public float[][] softTargets(double temperature) {
    checkArgument(temperature > 0 && Double.isFinite(temperature), "temperature must be > 0, got %s", temperature);
    if (!(kind instanceof TaskKind.Classification) || temperature == 1.0) {
      return values;
    }
    float[][] out = new float[values.length][];
    for (int i = 0; i < values.length; i++) {
      float[] z = logits != null ? logits[i] : logOf(values[i]);
      out[i] = softmax(z, temperature);
    }
    return out;
  }

  private static float[] logOf(float[] p) {
    float[] z = new float[p.length];
    for (int j = 0; j < p.length; j++) {
      z[j] = (float) Math.log(p[j]); // a probability of 0 gives -inf: its share stays 0 at every temperature
    }
    return z;
  }

  private static float[] softmax(float[] z, double temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : z) {
      max = Math.max(max, v / temperature);
    }
    double sum = 0;
    double[] e = new double[z.length];
    for (int j = 0; j < z.length; j++) {
      e[j] = Math.exp(z[j] / temperature - max);
      sum += e[j];
    }
    float[] p = new float[z.length];
    for (int j = 0; j < z.length; j++) {
      p[j] = (float) (e[j] / sum);
    }
    return p;
  }

  /** Predictions for {@code examples} of {@code task}; the fingerprint is computed from the examples. */
  public static TeacherPredictions of(Task task, List<Example> examples, float[][] values) {
    checkArgument(values.length == examples.size(), "teacher for %s: %s predictions for %s examples",
        task.name(), values.length, examples.size());
    return new TeacherPredictions(task.name(), task.kind(), ExampleFingerprint.of(examples), values);
  }

  /** Number of examples covered. */
  public int size() {
    return values.length;
  }

  /**
   * Checks that these predictions were made for exactly these examples of this task, with the same label
   * space; the error says what differs.
   */
  public void checkMatches(Task student, List<Example> examples) {
    checkArgument(task.equals(student.name()), "teacher predictions are for task %s, not %s", task,
        student.name());
    checkArgument(kind.equals(student.kind()),
        "teacher predictions for %s have label space %s but the task has %s", task, kind, student.kind());
    checkArgument(values.length == examples.size(),
        "teacher predictions for %s cover %s examples but the task has %s training examples", task,
        values.length, examples.size());
    String expected = ExampleFingerprint.of(examples);
    checkArgument(fingerprint.equals(expected),
        "teacher predictions for %s were made on other examples (fingerprint %s, the task's is %s): "
            + "rerun the teacher on the student's training set with the same preprocessing",
        task, abbreviate(fingerprint), abbreviate(expected));
  }

  /** The element-wise mean of several teachers' predictions on the same examples (an ensemble teacher). */
  public static TeacherPredictions average(List<TeacherPredictions> teachers) {
    checkArgument(!teachers.isEmpty(), "no teacher predictions to average");
    TeacherPredictions first = teachers.get(0);
    float[][] sum = new float[first.size()][first.kind.outputSize()];
    for (TeacherPredictions t : teachers) {
      checkArgument(t.task.equals(first.task) && t.kind.equals(first.kind) && t.fingerprint.equals(first.fingerprint),
          "cannot average teachers of different tasks, label spaces or examples: %s/%s and %s/%s", first.task,
          abbreviate(first.fingerprint), t.task, abbreviate(t.fingerprint));
      checkArgument(t.size() == first.size(), "cannot average teachers for %s with %s and %s predictions",
          first.task, first.size(), t.size());
      for (int i = 0; i < sum.length; i++) {
        for (int j = 0; j < sum[i].length; j++) {
          sum[i][j] += t.values[i][j] / teachers.size();
        }
      }
    }
    return new TeacherPredictions(first.task, first.kind, first.fingerprint, sum);
  }

  /** Writes the predictions and their manifest atomically. */
  public void write(Path file) throws IOException {
    write(file, Map.of(), Map.of());
  }

  /** {@link #write(Path)} with further tensors and manifest entries (a shard's example positions). */
  void write(Path file, Map<String, HostTensor> moreTensors, Map<String, String> moreManifest) throws IOException {
    int k = kind.outputSize();
    float[] flat = new float[values.length * k];
    for (int i = 0; i < values.length; i++) {
      System.arraycopy(values[i], 0, flat, i * k, k);
    }
    Map<String, String> manifest = new LinkedHashMap<>();
    manifest.put("format", FORMAT);
    manifest.put("task", task);
    if (kind instanceof TaskKind.Classification c) {
      manifest.put("kind", "classification");
      manifest.put("labels", new Gson().toJson(c.labels()));
    } else {
      TaskKind.Regression r = (TaskKind.Regression) kind;
      manifest.put("kind", "regression");
      manifest.put("labels", new Gson().toJson(List.of(r.min(), r.max())));
    }
    manifest.put("examples", Integer.toString(values.length));
    manifest.put("fingerprint", fingerprint);
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("predictions", new HostTensor(new long[] {values.length, k}, flat));
    if (logits != null) {
      float[] z = new float[logits.length * k];
      for (int i = 0; i < logits.length; i++) {
        System.arraycopy(logits[i], 0, z, i * k, k);
      }
      tensors.put("logits", new HostTensor(new long[] {logits.length, k}, z));
    }
    tensors.putAll(moreTensors);
    manifest.putAll(moreManifest);
    SafeTensors.write(file, tensors, manifest);
  }

  /** Reads a file written by {@link #write}; a missing or inconsistent manifest is an error naming the file. */
  public static TeacherPredictions read(Path file) throws IOException {
    Map<String, String> m = SafeTensors.readMetadata(file);
    String format = m.get("format");
    checkArgument(FORMAT.equals(format), "%s is not a teacher prediction file (format %s, expected %s)", file,
        format, FORMAT);
    for (String key : List.of("task", "kind", "labels", "examples", "fingerprint")) {
      checkArgument(m.containsKey(key), "%s: manifest lacks '%s'", file, key);
    }
    TaskKind kind;
    int n;
    try {
      kind = kindOf(m.get("kind"), m.get("labels"));
      n = Integer.parseInt(m.get("examples"));
      checkArgument(n >= 0, "negative example count %s", n);
    } catch (RuntimeException e) {
      // Malformed JSON, a non-numeric count, a range that is not [min, max]: name the file and the field.
      throw new IllegalArgumentException(file + ": malformed manifest (kind " + m.get("kind") + ", labels "
          + m.get("labels") + ", examples " + m.get("examples") + "): " + e.getMessage(), e);
    }
    Map<String, HostTensor> tensors = SafeTensors.read(file);
    HostTensor t = tensors.get("predictions");
    checkArgument(t != null, "%s holds no 'predictions' tensor", file);
    int k = kind.outputSize();
    checkArgument(t.shape().length == 2 && t.shape()[0] == n && t.shape()[1] == k,
        "%s: predictions have shape %s but the manifest says %s examples x %s outputs", file, t.shapeString(), n,
        k);
    float[][] values = rows(t, n, k);
    HostTensor z = tensors.get("logits");
    if (z != null) {
      checkArgument(z.shape().length == 2 && z.shape()[0] == n && z.shape()[1] == k,
          "%s: logits have shape %s but the manifest says %s examples x %s outputs", file, z.shapeString(), n, k);
    }
    try {
      return new TeacherPredictions(m.get("task"), kind, m.get("fingerprint"), values, z == null ? null
          : rows(z, n, k));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static float[][] rows(HostTensor t, int n, int k) {
    float[][] rows = new float[n][k];
    for (int i = 0; i < n; i++) {
      System.arraycopy(t.values(), i * k, rows[i], 0, k);
    }
    return rows;
  }

  private static TaskKind kindOf(String kind, String labels) {
    if ("classification".equals(kind)) {
      List<String> names = new Gson().fromJson(labels, new TypeToken<List<String>>() {}.getType());
      checkArgument(names != null, "no labels");
      return new TaskKind.Classification(names);
    }
    if ("regression".equals(kind)) {
      List<Double> range = new Gson().fromJson(labels, new TypeToken<List<Double>>() {}.getType());
      checkArgument(range != null && range.size() == 2, "a regression range is [min, max], got %s", labels);
      return new TaskKind.Regression(range.get(0), range.get(1));
    }
    throw new IllegalArgumentException("unknown kind '" + kind + "'");
  }

  private static String abbreviate(String fingerprint) {
    return fingerprint.length() > 12 ? fingerprint.substring(0, 12) + "…" : fingerprint;
  }
}
