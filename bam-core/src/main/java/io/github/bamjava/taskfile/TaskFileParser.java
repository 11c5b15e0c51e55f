package io.github.bamjava.taskfile;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.model.Pooling;
import io.github.bamjava.model.RegressionOutput;
import io.github.bamjava.pipeline.PipelineSettings;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.Stage;
import io.github.bamjava.pipeline.Strategies;
import io.github.bamjava.pipeline.StrategyNames;
import io.github.bamjava.sampling.TaskSampler;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetric;
import io.github.bamjava.task.TaskMetrics;
import io.github.bamjava.task.TrainCap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads a task file into a {@link TaskSet}; the schema is in docs/api.md and docs/task-set.schema.json. */
final class TaskFileParser {

  /** The seed of a training cap's random draw when the file names none: the GLUE presets' seed. */
  static final long CAP_SEED = 13;

  static final Set<String> ROOT = Set.of("$schema", "description", "tasks", "settings");
  static final Set<String> TASK = Set.of("name", "description", "kind", "labels", "range", "format",
      "train", "dev", "test", "text", "text_pair", "label", "id", "metrics", "train_cap");
  static final Set<String> CAP = Set.of("limit", "random", "seed");
  static final Set<String> SETTINGS = Set.of("preset", "encoder", "max_length", "layer_decay",
      "task_exponent", "sampler", "annealing", "loss", "temperature", "schedule", "bucket_by_length", "bias_correction", "pooling",
      "regression_output", "teacher", "student", "finetune_stage", "teachers", "finetune", "seed");
  static final Set<String> STAGE = Set.of("learning_rate", "batch_size", "epochs");

  private TaskFileParser() {}

  static TaskSet parse(Path file) throws IOException {
    String text = Utf8Text.read(file, "the task file");
    LocatedJson json;
    try {
      json = LocatedJson.parse(text);
    } catch (LocatedJson.SyntaxError e) {
      throw new TaskFileException(file, e.line, "not valid JSON: " + e.getMessage());
    }
    JsonFields top = JsonFields.of(file, json.lines, "", json.root, ROOT);
    Path base = file.toAbsolutePath().getParent();
    JsonElement tasksJson = top.required("tasks");
    if (!(tasksJson instanceof JsonArray array) || array.isEmpty()) {
      throw top.error("tasks", "must be a non-empty list of tasks, got " + tasksJson);
    }
    List<TaskSpec> tasks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      JsonFields fields = JsonFields.of(file, json.lines, "tasks[" + i + "]", array.get(i), TASK);
      TaskSpec spec = task(base, fields);
      if (!names.add(spec.name())) {
        throw fields.error("name", "'" + spec.name() + "': a task of this name is declared twice; task names"
            + " must be unique");
      }
      tasks.add(spec);
    }
    PipelineSettings settings = top.has("settings")
        ? settings(base, top.child("settings", SETTINGS))
        : PipelineSettings.DEFAULT;
    return new TaskSet(file, tasks, settings);
  }

  private static TaskSpec task(Path base, JsonFields f) throws TaskFileException {
    String name = f.string("name");
    if (!name.matches("[A-Za-z0-9_-]+")) {
      throw f.error("name", "'" + name + "' must be letters, digits, '_' or '-' (it names files and the head)");
    }
    TaskKind kind = kind(f);
    Path train = base.resolve(f.string("train"));
    Path dev = base.resolve(f.string("dev"));
    Path test = f.has("test") ? base.resolve(f.string("test")) : null;
    DataFormat format = format(f, train);
    List<TaskMetric> metrics = metrics(f, kind);
    TrainCap cap = f.has("train_cap") ? cap(f) : TrainCap.all();
    String label = f.optString("label").orElse("label");
    return new TaskSpec(name, kind, train, dev, test, format, f.string("text"), f.optString("text_pair").orElse(null),
        label, f.optString("id").orElse(null), metrics, cap);
  }

  private static TaskKind kind(JsonFields f) throws TaskFileException {
    String kind = f.string("kind");
    switch (kind) {
      case "classification": {
        if (f.has("range")) {
          throw f.error("range", "is for regression tasks; a classification task lists its 'labels'");
        }
        List<String> labels = f.strings("labels", 2);
        if (new HashSet<>(labels).size() != labels.size()) {
          throw f.error("labels", "lists a label twice: " + labels);
        }
        return new TaskKind.Classification(labels);
      }
      case "regression": {
        if (f.has("labels")) {
          throw f.error("labels", "is for classification tasks; a regression task gives its 'range'");
        }
        double[] range = f.numbers("range");
        if (range.length != 2 || !(range[0] < range[1])) {
          throw f.error("range", "must be [min, max] with min < max, got " + f.raw("range"));
        }
        return new TaskKind.Regression(range[0], range[1]);
      }
      default:
        throw f.error("kind", "must be \"classification\" or \"regression\", got \"" + kind + "\"");
    }
  }

  private static DataFormat format(JsonFields f, Path train) throws TaskFileException {
    if (f.has("format")) {
      try {
        return DataFormat.fromFileName(f.string("format"));
      } catch (IllegalArgumentException e) {
        throw f.error("format", e.getMessage());
      }
    }
    return DataFormat.ofExtension(train.getFileName().toString()).orElseThrow(() -> f.error("format",
        "missing, and the train file's extension does not say it (.tsv, .csv or .jsonl): add \"format\""));
  }

  private static List<TaskMetric> metrics(JsonFields f, TaskKind kind) throws TaskFileException {
    if (!f.has("metrics")) {
      return List.of();
    }
    List<TaskMetric> out = new ArrayList<>();
    for (String name : f.strings("metrics", 1)) {
      TaskMetric m;
      try {
        m = TaskMetrics.byName(name);
      } catch (IllegalArgumentException e) {
        throw f.error("metrics", e.getMessage());
      }
      boolean correlation = m == TaskMetrics.PEARSON || m == TaskMetrics.SPEARMAN;
      if (kind instanceof TaskKind.Regression && !correlation) {
        throw f.error("metrics", "'" + name + "' scores classes; a regression task takes pearson or spearman");
      }
      if (kind instanceof TaskKind.Classification c) {
        if (correlation) {
          throw f.error("metrics", "'" + name + "' scores numbers; a classification task takes accuracy, f1,"
              + " macro_f1 or matthews");
        }
        if (m == TaskMetrics.F1 && c.labels().size() != 2) {
          throw f.error("metrics", "'f1' is the F1 of the second label of two, but the task has "
              + c.labels().size() + " labels: use macro_f1");
        }
      }
      out.add(m);
    }
    return out;
  }

  private static TrainCap cap(JsonFields f) throws TaskFileException {
    JsonElement e = f.required("train_cap");
    if (e.isJsonPrimitive()) {
      long n = f.integer("train_cap");
      if (n < 1 || n > Integer.MAX_VALUE) {
        throw f.error("train_cap", "must be at least 1, got " + n);
      }
      return TrainCap.random((int) n, CAP_SEED);
    }
    JsonFields c = f.child("train_cap", CAP);
    long n = c.integer("limit");
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw c.error("limit", "must be at least 1, got " + n);
    }
    boolean random = !c.has("random") || c.bool("random");
    long seed = c.has("seed") ? c.integer("seed") : CAP_SEED;
    return random ? TrainCap.random((int) n, seed) : TrainCap.first((int) n);
  }

  private static PipelineSettings settings(Path base, JsonFields f) throws TaskFileException {
    PipelineSettings s = PipelineSettings.DEFAULT;
    Recipe r = s.recipe();
    if (f.has("preset")) {
      String preset = f.string("preset");
      r = switch (preset) {
        case "learning" -> Recipe.LEARNING;
        case "paper" -> Recipe.PAPER;
        default -> throw f.error("preset", "must be \"learning\" or \"paper\", got \"" + preset + "\"");
      };
    }
    r = r.withStages(stage(f, "teacher", r.teacher()), stage(f, "student", r.student()),
        stage(f, "finetune_stage", r.finetune()));
    HeadOptions heads = r.heads();
    try {
      if (f.has("pooling")) {
        heads = heads.withPooling(Pooling.fromJsonName(f.string("pooling")));
      }
      if (f.has("regression_output")) {
        heads = heads.withRegressionOutput(RegressionOutput.fromJsonName(f.string("regression_output")));
      }
    } catch (IllegalArgumentException e) {
      throw f.error(f.has("pooling") ? "pooling" : "regression_output", e.getMessage());
    }
    int maxLength = f.has("max_length") ? (int) bounded(f, "max_length", 3, 1 << 20) : r.maxLength();
    double layerDecay = f.has("layer_decay") ? f.number("layer_decay") : r.layerDecay();
    boolean bias = f.has("bias_correction") ? f.bool("bias_correction") : r.biasCorrection();
    try {
      double temperature = f.has("temperature") ? f.number("temperature") : r.temperature();
      r = new Recipe(r.name(), r.teacher(), r.student(), r.finetune(), maxLength, layerDecay, r.sampler(), heads,
          bias, r.annealing(), r.loss(), temperature, r.schedule(), r.bucketByLength());
    } catch (IllegalArgumentException e) {
      throw f.error(e.getMessage());
    }
    if (f.has("task_exponent") && f.has("sampler")) {
      throw f.error("task_exponent", "and 'sampler' both choose the task sampler: keep one (task_exponent e is"
          + " sampler \"size-exponent:e\")");
    }
    if (f.has("task_exponent")) {
      double exponent = f.number("task_exponent");
      try {
        r = r.withSampler(TaskSampler.sizeExponent(exponent));
      } catch (IllegalArgumentException e) {
        throw f.error("task_exponent", e.getMessage());
      }
    }
    r = r.withSampler(strategy(f, "sampler", Strategies.SAMPLER, r.sampler()))
        .withAnnealing(strategy(f, "annealing", Strategies.ANNEALING, r.annealing()))
        .withLoss(strategy(f, "loss", Strategies.LOSS, r.loss()))
        .withSchedule(strategy(f, "schedule", Strategies.SCHEDULE, r.schedule()));
    if (f.has("bucket_by_length")) {
      r = r.withBucketByLength(f.bool("bucket_by_length"));
    }
    s = s.withRecipe(r);
    if (f.has("encoder")) {
      s = s.withEncoder(EncoderSource.huggingFace(base.resolve(f.string("encoder"))));
    }
    if (f.has("teachers")) {
      s = s.withTeachersPerTask((int) bounded(f, "teachers", 1, 100));
    }
    if (f.has("finetune")) {
      s = s.withFinetune(f.bool("finetune"));
    }
    if (f.has("seed")) {
      s = s.withSeed(f.integer("seed"));
    }
    return s;
  }

  /** The strategy a field names (see {@link Strategies}), or {@code otherwise} when the field is absent. */
  private static <T> T strategy(JsonFields f, String key, StrategyNames<T> names, T otherwise)
      throws TaskFileException {
    if (!f.has(key)) {
      return otherwise;
    }
    try {
      return names.parse(f.string(key));
    } catch (IllegalArgumentException e) {
      throw f.error(key, "is not a " + names.kind() + " this library knows: " + e.getMessage());
    }
  }

  private static Stage stage(JsonFields settings, String key, Stage defaults) throws TaskFileException {
    if (!settings.has(key)) {
      return defaults;
    }
    JsonFields f = settings.child(key, STAGE);
    double lr = f.has("learning_rate") ? f.number("learning_rate") : defaults.learningRate();
    if (!(lr > 0)) {
      throw f.error("learning_rate", "must be > 0, got " + lr);
    }
    int batch = f.has("batch_size") ? (int) bounded(f, "batch_size", 1, 1 << 16) : defaults.batchSize();
    int epochs = f.has("epochs") ? (int) bounded(f, "epochs", 1, 10_000) : defaults.epochs();
    return new Stage(lr, batch, epochs);
  }

  private static long bounded(JsonFields f, String key, long min, long max) throws TaskFileException {
    long v = f.integer(key);
    if (v < min || v > max) {
      throw f.error(key, "must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }
}
