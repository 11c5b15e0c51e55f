package io.github.bamjava.train;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.encoder.CheckpointLayout;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.encoder.PretrainedEncoder;
import io.github.bamjava.encoder.StateDict;
import io.github.bamjava.model.Heads;
import io.github.bamjava.model.MultiTaskModel;
import io.github.bamjava.model.TaskHead;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskKinds;
import io.github.bamjava.text.PairTokenizer;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A trained (or training) multi-task model with its tokenizer and task label spaces: what {@link
 * BornAgainTrainer} produces and what {@code predict} and teachers use.
 *
 * <p>Saved as a directory a HuggingFace user recognises: {@code config.json}, {@code model.safetensors} (the
 * encoder under {@code bert.}, the heads under {@code heads.<task>.}), the tokenizer files, and
 * {@code tasks.json} with each task's kind and labels in head order.
 */
public final class BamModel implements AutoCloseable {

  /** The file listing the tasks of a saved model. */
  public static final String TASKS_JSON = "tasks.json";

  private final NDManager manager;
  private final MultiTaskModel network;
  private final PretrainedEncoder pretrained;
  private final Map<String, TaskKind> kinds;

  private BamModel(NDManager manager, MultiTaskModel network, PretrainedEncoder pretrained,
      Map<String, TaskKind> kinds) {
    this.manager = manager;
    this.network = network;
    this.pretrained = pretrained;
    this.kinds = Map.copyOf(kinds);
  }

  /**
   * A model with one head per task on a loaded encoder. Heads found in the encoder's checkpoint (a saved
   * multi-task model) with matching shapes start from their saved weights; the others are initialised.
   */
  public static BamModel create(NDManager manager, PretrainedEncoder encoder, Map<String, TaskKind> tasks) {
    Map<String, TaskHead> heads = new LinkedHashMap<>();
    int hidden = encoder.encoder().config().hiddenSize();
    tasks.forEach((name, kind) -> heads.put(name, Heads.forTask(kind, hidden)));
    MultiTaskModel network = new MultiTaskModel(encoder.encoder(), heads);
    network.initializeHeads(manager);
    Map<String, HostTensor> saved = encoder.headTensors();
    if (!saved.isEmpty()) {
      Map<String, ai.djl.nn.Parameter> params = new LinkedHashMap<>();
      network.namedParameters().forEach((name, p) -> {
        if (CheckpointLayout.isHead(name) && saved.containsKey(name)
            && java.util.Arrays.equals(saved.get(name).shape(), p.getArray().getShape().getShape())) {
          params.put(name, p);
        }
      });
      Map<String, HostTensor> matching = new LinkedHashMap<>();
      params.keySet().forEach(n -> matching.put(n, saved.get(n)));
      StateDict.load("saved heads", params, matching, n -> false, n -> false);
    }
    return new BamModel(manager, network, encoder, tasks);
  }

  /** Loads a model saved by {@link #save}; its parameters live in {@code manager}. */
  public static BamModel load(Path dir, NDManager manager) throws IOException {
    Path tasksFile = dir.resolve(TASKS_JSON);
    checkArgument(Files.isRegularFile(tasksFile), "%s is not a saved BAM model: %s is missing", dir, tasksFile);
    Map<String, TaskKind> kinds = new LinkedHashMap<>();
    JsonElement json = JsonParser.parseString(Files.readString(tasksFile, StandardCharsets.UTF_8));
    for (JsonElement e : json.getAsJsonArray()) {
      JsonObject task = e.getAsJsonObject();
      kinds.put(task.get("name").getAsString(), TaskKinds.fromJson(task));
    }
    PretrainedEncoder encoder = EncoderSource.huggingFace(dir).load(manager);
    BamModel model = create(manager, encoder, kinds);
    for (String task : kinds.keySet()) {
      boolean found = encoder.headTensors().keySet().stream()
          .anyMatch(n -> n.startsWith(CheckpointLayout.headPrefix(task)));
      checkArgument(found, "%s: tasks.json lists %s but model.safetensors has no head for it", dir, task);
    }
    return model;
  }

  /** Heads keyed by task, for tasks given as {@link Task}s. */
  public static Map<String, TaskKind> kindsOf(List<Task> tasks) {
    Map<String, TaskKind> kinds = new LinkedHashMap<>();
    for (Task t : tasks) {
      checkArgument(kinds.put(t.name(), t.kind()) == null, "task %s is listed twice", t.name());
    }
    return kinds;
  }

  public MultiTaskModel network() {
    return network;
  }

  public PairTokenizer tokenizer() {
    return pretrained.tokenizer();
  }

  public PretrainedEncoder pretrained() {
    return pretrained;
  }

  /** The task names, in head order. */
  public List<String> tasks() {
    return network.taskNames();
  }

  public TaskKind kind(String task) {
    TaskKind kind = kinds.get(task);
    checkArgument(kind != null, "the model has no task %s; it has %s", task, tasks());
    return kind;
  }

  /** Outputs of a task's head: class probabilities, or the [0, 1] value for regression. */
  public float[][] predict(String task, List<Example> examples, int maxLength) {
    return new Predictor(network, tokenizer(), maxLength, Predictor.DEFAULT_BATCH_SIZE)
        .predict(manager, task, kind(task), examples);
  }

  /**
   * This model as a teacher: its outputs on the task's training examples, to distil a student from. Computed
   * once, in large no-grad batches.
   */
  public TeacherPredictions teacherPredictions(Task task, int maxLength) {
    checkArgument(kind(task.name()).equals(task.kind()),
        "the model's %s head predicts %s but the task has %s", task.name(), kind(task.name()), task.kind());
    return TeacherPredictions.of(task, task.train(), predict(task.name(), task.train(), maxLength));
  }

  /** All parameters by saved name, as heap tensors. */
  public LinkedHashMap<String, HostTensor> weights() {
    return StateDict.snapshot(network.namedParameters());
  }

  /** Restores weights taken by {@link #weights()} (a checkpoint); every tensor must fit. */
  public void loadWeights(String source, Map<String, HostTensor> weights) {
    StateDict.load(source, network.namedParameters(), weights, n -> false, n -> false);
  }

  /**
   * Saves the model into {@code dir}, replacing what is there only once the new copy is complete: the files are
   * written to a sibling directory that is then renamed.
   */
  public void save(Path dir) throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, dir.getFileName() + ".tmp-");
    try {
      Files.writeString(tmp.resolve("config.json"), network.encoder().config().toJson(), StandardCharsets.UTF_8);
      SafeTensors.write(tmp.resolve("model.safetensors"), weights(), Map.of("format", "pt"));
      pretrained.writeTokenizerFiles(tmp);
      JsonArray tasks = new JsonArray();
      for (String name : tasks()) {
        JsonObject t = TaskKinds.toJson(kinds.get(name));
        t.addProperty("name", name);
        tasks.add(t);
      }
      Files.writeString(tmp.resolve(TASKS_JSON), new GsonBuilder().setPrettyPrinting().create().toJson(tasks),
          StandardCharsets.UTF_8);
      replaceDirectory(tmp, dir);
    } finally {
      deleteRecursively(tmp);
    }
  }

  /** Moves {@code fresh} to {@code target}; an old {@code target} is moved aside first and deleted after. */
  static void replaceDirectory(Path fresh, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling(target.getFileName() + ".old-" + System.nanoTime());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      deleteRecursively(old);
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /** Frees the model's native memory (the manager it was created in). */
  @Override
  public void close() {
    pretrained.tokenizer().close();
    manager.close();
  }
}
