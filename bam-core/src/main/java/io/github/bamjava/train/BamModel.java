package io.github.bamjava.train;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  /** The file holding a saved model's weights. */
  static final String WEIGHTS_FILE = "model.safetensors";

  private static final Logger LOG = LoggerFactory.getLogger(BamModel.class);

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
   * A model with one head per task on a loaded encoder. A task whose head was saved in the encoder's checkpoint
   * (a saved multi-task model, for fine-tuning) starts from it when every tensor of it fits the new head; other
   * heads are initialised.
   */
  public static BamModel create(NDManager manager, PretrainedEncoder encoder, Map<String, TaskKind> tasks) {
    MultiTaskModel network = network(manager, encoder, tasks);
    Map<String, Parameter> params = network.namedParameters();
    for (String task : tasks.keySet()) {
      Map<String, Parameter> head = withPrefix(params, CheckpointLayout.headPrefix(task));
      Map<String, HostTensor> saved = withPrefix(encoder.headTensors(), CheckpointLayout.headPrefix(task));
      if (saved.isEmpty()) {
        continue;
      }
      try {
        StateDict.load("the saved head of " + task, head, saved, n -> false, n -> false);
      } catch (IllegalArgumentException e) {
        LOG.info("{} starts fresh: {}", task, e.getMessage());
      }
    }
    return new BamModel(manager, network, encoder, tasks);
  }

  /**
   * Loads a model saved by {@link #save}; its parameters live in {@code manager}. Every parameter must be in
   * the saved weights with its shape, and every saved tensor must belong to the model.
   *
   * @throws IllegalArgumentException when the directory is not a saved model, or its weights do not fit the
   *     tasks of its {@code tasks.json}: a missing, unexpected or mis-shaped tensor, named in the message
   * @throws IOException when a file cannot be read or {@code tasks.json} is malformed (the message names it)
   */
  public static BamModel load(Path dir, NDManager manager) throws IOException {
    Path tasksFile = dir.resolve(TASKS_JSON);
    checkArgument(Files.isRegularFile(tasksFile), "%s is not a saved BAM model: %s is missing", dir, tasksFile);
    Map<String, TaskKind> kinds = SavedTasks.read(tasksFile);
    PretrainedEncoder encoder = EncoderSource.huggingFace(dir).load(manager);
    try {
      Path weights = dir.resolve(WEIGHTS_FILE);
      // Random initialisation is for pretrained encoders without a pooler; a saved model has every parameter.
      checkArgument(encoder.report().initialized().isEmpty(),
          "%s does not fit the model: a saved model holds every encoder parameter, but it lacks %s", weights,
          encoder.report().initialized());
      MultiTaskModel network = network(manager, encoder, kinds);
      StateDict.load(weights + " (the heads of the tasks in " + tasksFile + ")",
          withPrefix(network.namedParameters(), CheckpointLayout.HEADS_PREFIX), encoder.headTensors(),
          n -> false, n -> false);
      return new BamModel(manager, network, encoder, kinds);
    } catch (RuntimeException e) {
      encoder.tokenizer().close();
      throw e;
    }
  }

  private static MultiTaskModel network(NDManager manager, PretrainedEncoder encoder,
      Map<String, TaskKind> tasks) {
    Map<String, TaskHead> heads = new LinkedHashMap<>();
    int hidden = encoder.encoder().config().hiddenSize();
    tasks.forEach((name, kind) -> heads.put(name, Heads.forTask(kind, hidden)));
    MultiTaskModel network = new MultiTaskModel(encoder.encoder(), heads);
    network.initializeHeads(manager);
    return network;
  }

  private static <T> Map<String, T> withPrefix(Map<String, T> named, String prefix) {
    Map<String, T> out = new LinkedHashMap<>();
    named.forEach((name, value) -> {
      if (name.startsWith(prefix)) {
        out.put(name, value);
      }
    });
    return out;
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
      SafeTensors.write(tmp.resolve(WEIGHTS_FILE), weights(), Map.of("format", "pt"));
      pretrained.writeTokenizerFiles(tmp);
      Map<String, TaskKind> ordered = new LinkedHashMap<>();
      tasks().forEach(name -> ordered.put(name, kinds.get(name)));
      Files.writeString(tmp.resolve(TASKS_JSON), SavedTasks.toJson(ordered), StandardCharsets.UTF_8);
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
