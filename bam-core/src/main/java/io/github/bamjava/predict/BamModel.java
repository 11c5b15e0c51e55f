package io.github.bamjava.predict;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.encoder.CheckpointLayout;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.encoder.PretrainedEncoder;
import io.github.bamjava.encoder.StateDict;
import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.internal.io.NativeMemory;
import io.github.bamjava.model.HeadRegistry;
import io.github.bamjava.model.HeadSpec;
import io.github.bamjava.model.ModelHeads;
import io.github.bamjava.model.MultiTaskModel;
import io.github.bamjava.model.Pooling;
import io.github.bamjava.model.TaskHead;
import io.github.bamjava.runtime.GracefulStop;
import io.github.bamjava.runtime.RunStoppedException;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.runtime.YoungGeneration;
import io.github.bamjava.serving.BamTranslatorFactory;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Inputs;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.text.PairTokenizer;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.FloatTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained (or training) multi-task model with its tokenizer and task label spaces: what {@link
 * io.github.bamjava.train.BornAgainTrainer} produces and what {@code predict} and teachers use.
 *
 * <p>Saved as a directory a HuggingFace user recognises: {@code config.json}, {@code model.safetensors} (the
 * encoder under {@code bert.}, the heads under {@code heads.<task>.}), the tokenizer files, and
 * {@code tasks.json} with each task's kind, labels and head ({@link HeadSpec}) in head order.
 */
public final class BamModel implements AutoCloseable {

  /** The file listing the tasks of a saved model. */
  public static final String TASKS_JSON = "tasks.json";
  /** The file holding a saved model's weights. */
  public static final String WEIGHTS_FILE = "model.safetensors";
  /**
   * The file that tells DJL how to load a saved model: {@code Criteria.builder().optModelPath(dir)} and DJL
   * Serving read it ({@link #servingProperties()}).
   */
  public static final String SERVING_PROPERTIES = "serving.properties";

  private static final Logger LOG = LoggerFactory.getLogger(BamModel.class);

  /** The model's own manager, a child of the caller's: it holds what the model allocated, and close() frees it. */
  private final NDManager manager;
  private final MultiTaskModel network;
  private final PretrainedEncoder pretrained;
  /** Whether the model loaded its encoder itself (then it closes the encoder's tokenizer too). */
  private final boolean ownsEncoder;
  private final Map<String, SavedTasks.Entry> tasks;
  private boolean closed;

  private BamModel(NDManager manager, MultiTaskModel network, PretrainedEncoder pretrained, boolean ownsEncoder,
      Map<String, SavedTasks.Entry> tasks) {
    this.manager = manager;
    this.network = network;
    this.pretrained = pretrained;
    this.ownsEncoder = ownsEncoder;
    this.tasks = Map.copyOf(tasks);
  }

  /** {@link #create(NDManager, PretrainedEncoder, Map, ModelHeads)} with the standard heads. */
  public static BamModel create(NDManager manager, PretrainedEncoder encoder, Map<String, TaskKind> tasks) {
    return create(manager, encoder, tasks, ModelHeads.defaults());
  }

  /**
   * A model with one head per task on a loaded encoder; its tasks read {@link Inputs#EITHER} (see
   * {@link #create(NDManager, PretrainedEncoder, List, ModelHeads)}). A task whose head was saved in the encoder's
   * checkpoint (a saved multi-task model, for fine-tuning) starts from it when it was saved for the same labels,
   * in the same order (or the same range), with the same head type and options, and every tensor of it fits the
   * new head; other heads are initialised, with a warning when a saved head was passed over.
   *
   * @param heads which head each task gets, and the heads' options
   * @throws java.io.UncheckedIOException when the checkpoint's {@code tasks.json} cannot be read
   */
  public static BamModel create(NDManager manager, PretrainedEncoder encoder, Map<String, TaskKind> tasks,
      ModelHeads heads) {
    Map<String, Inputs> inputs = new LinkedHashMap<>();
    tasks.keySet().forEach(name -> inputs.put(name, Inputs.EITHER));
    return create(manager, encoder, tasks, inputs, heads);
  }

  /**
   * {@link #create(NDManager, PretrainedEncoder, Map, ModelHeads)} for these tasks, recording what each one's
   * training examples are ({@link Task#inputs()}): {@link #predict} then refuses a single sentence for a task
   * trained on pairs, and a pair for one trained on single sentences, and so does the saved model.
   */
  public static BamModel create(NDManager manager, PretrainedEncoder encoder, List<Task> tasks, ModelHeads heads) {
    Map<String, Inputs> inputs = new LinkedHashMap<>();
    tasks.forEach(t -> inputs.put(t.name(), t.inputs()));
    return create(manager, encoder, kindsOf(tasks), inputs, heads);
  }

  private static BamModel create(NDManager manager, PretrainedEncoder encoder, Map<String, TaskKind> tasks,
      Map<String, Inputs> inputs, ModelHeads heads) {
    heads.checkTasks(tasks.keySet());
    Map<String, SavedTasks.Entry> entries = new LinkedHashMap<>();
    tasks.forEach((name, kind) -> entries.put(name, new SavedTasks.Entry(kind, heads.spec(name), inputs.get(name))));
    NDManager own = manager.newSubManager();
    try {
      return withHeads(own, encoder, entries, heads);
    } catch (RuntimeException | Error e) {
      own.close();
      throw e;
    }
  }

  private static BamModel withHeads(NDManager own, PretrainedEncoder encoder, Map<String, SavedTasks.Entry> entries,
      ModelHeads heads) {
    MultiTaskModel network = network(own, encoder, entries, heads.registry());
    Map<String, Parameter> params = network.namedParameters();
    Map<String, SavedTasks.Entry> savedEntries = savedEntries(encoder);
    for (String task : entries.keySet()) {
      Map<String, Parameter> head = withPrefix(params, CheckpointLayout.headPrefix(task));
      Map<String, HostTensor> saved = withPrefix(encoder.headTensors(), CheckpointLayout.headPrefix(task));
      if (saved.isEmpty()) {
        continue;
      }
      SavedTasks.Entry was = savedEntries.get(task);
      if (was != null && !entries.get(task).sameHeadAs(was)) {
        // Same shapes are not the same head: labels in another order would start fine-tuning from a head that
        // answers each label with another's logit, and a head read through other pooling from another input.
        LOG.warn("{} starts with a new head: the saved one in {} was trained as {}, this run's is {}", task,
            encoder.description(), SavedTasks.describe(was), SavedTasks.describe(entries.get(task)));
        continue;
      }
      try {
        StateDict.load("the saved head of " + task, head, saved, n -> false, n -> false);
      } catch (IllegalArgumentException e) {
        LOG.info("{} starts fresh: {}", task, e.getMessage());
      }
    }
    return new BamModel(own, network, encoder, false, entries);
  }

  /** The tasks a saved model's {@code tasks.json} lists beside its head tensors; none for other checkpoints. */
  private static Map<String, SavedTasks.Entry> savedEntries(PretrainedEncoder encoder) {
    if (encoder.headTensors().isEmpty() || encoder.directory() == null
        || !Files.isRegularFile(encoder.directory().resolve(TASKS_JSON))) {
      return Map.of();
    }
    try {
      return SavedTasks.read(encoder.directory().resolve(TASKS_JSON));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #load(Path, NDManager, HeadRegistry)} for models whose heads are all standard ones. */
  public static BamModel load(Path dir, NDManager manager) throws IOException {
    return load(dir, manager, HeadRegistry.standard());
  }

  /**
   * Loads a model saved by {@link #save}; its parameters live in {@code manager}. Each task gets the head its
   * {@code tasks.json} names, made by the factory registered under that name, with the saved options (a model
   * saved before heads were recorded gets the standard head with the default options). Every parameter must be
   * in the saved weights with its shape, and every saved tensor must belong to the model.
   *
   * @param heads the factories of the heads the model was trained with ({@link ModelHeads#registry()})
   * @throws IllegalArgumentException when the directory is not a saved model, a head is not registered in
   *     {@code heads}, or the weights do not fit the tasks of {@code tasks.json}: a missing, unexpected or
   *     mis-shaped tensor, named in the message
   * @throws IOException when a file cannot be read or {@code tasks.json} is malformed (the message names it)
   */
  public static BamModel load(Path dir, NDManager manager, HeadRegistry heads) throws IOException {
    Path tasksFile = dir.resolve(TASKS_JSON);
    checkArgument(Files.isRegularFile(tasksFile), "%s is not a saved BAM model: %s is missing", dir, tasksFile);
    Map<String, SavedTasks.Entry> entries = SavedTasks.read(tasksFile);
    entries.forEach((task, entry) -> checkArgument(heads.has(entry.head().type()),
        "%s: task %s uses head '%s', which is not registered (registered: %s); pass BamModel.load a"
            + " HeadRegistry with the head it was trained with", tasksFile, task, entry.head().type(),
        heads.names()));
    // The weights are written in place, which PyTorch refuses in grad mode: on in any thread but the engine's first.
    TorchEngine.gradOffForThisThread();
    // Everything the load allocates is in a manager of its own, closed with the tokenizer when the load fails.
    NDManager own = manager.newSubManager();
    PretrainedEncoder encoder = null;
    boolean loaded = false;
    try {
      encoder = EncoderSource.huggingFace(dir).load(own);
      Path weights = dir.resolve(WEIGHTS_FILE);
      // Random initialisation is for pretrained encoders without a pooler; a saved model has every parameter.
      checkArgument(encoder.report().initialized().isEmpty(),
          "%s does not fit the model: a saved model holds every encoder parameter, but it lacks %s", weights,
          encoder.report().initialized());
      MultiTaskModel network = network(own, encoder, entries, heads);
      StateDict.load(weights + " (the heads of the tasks in " + tasksFile + ")",
          withPrefix(network.namedParameters(), CheckpointLayout.HEADS_PREFIX), encoder.headTensors(),
          n -> false, n -> false);
      BamModel model = new BamModel(own, network, encoder, true, entries);
      loaded = true;
      return model;
    } finally {
      if (!loaded) {
        if (encoder != null) {
          encoder.close();
        }
        own.close();
      }
    }
  }

  private static MultiTaskModel network(NDManager manager, PretrainedEncoder encoder,
      Map<String, SavedTasks.Entry> tasks, HeadRegistry registry) {
    Map<String, TaskHead> heads = new LinkedHashMap<>();
    Map<String, Pooling> pooling = new LinkedHashMap<>();
    int hidden = encoder.encoder().config().hiddenSize();
    tasks.forEach((name, task) -> {
      HeadSpec spec = task.head();
      heads.put(name, registry.factory(spec.type()).create(task.kind(), hidden, spec.options()));
      pooling.put(name, spec.options().pooling());
    });
    MultiTaskModel network = new MultiTaskModel(encoder.encoder(), heads, pooling);
    network.initializeHeads(manager);
    Shape[] outputs = network.getOutputShapes(new Shape[] {new Shape(1, 1)});
    int t = 0;
    for (Map.Entry<String, SavedTasks.Entry> task : tasks.entrySet()) {
      Shape expected = new Shape(1, task.getValue().kind().outputSize());
      checkArgument(outputs[t].equals(expected), "the '%s' head of task %s gives outputs of shape %s for one"
          + " example; the task needs %s", task.getValue().head().type(), task.getKey(), outputs[t], expected);
      t++;
    }
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

  /** The network: the encoder and one head per task. */
  public MultiTaskModel network() {
    return network;
  }

  /** The tokenizer the model was trained with. */
  public PairTokenizer tokenizer() {
    return pretrained.tokenizer();
  }

  /** The encoder as loaded, with its tokenizer and what its checkpoint held. */
  public PretrainedEncoder pretrained() {
    return pretrained;
  }

  /** The task names, in head order. */
  public List<String> tasks() {
    return network.taskNames();
  }

  /** The kind of {@code task}; an error naming the model's tasks when it has none of that name. */
  public TaskKind kind(String task) {
    return entry(task).kind();
  }

  /** A task's head: its registered name and options, as saved in {@code tasks.json}. */
  public HeadSpec head(String task) {
    return entry(task).head();
  }

  /** What a task's head was trained on; {@link Inputs#EITHER} where that was not recorded. */
  public Inputs inputs(String task) {
    return entry(task).inputs();
  }

  private SavedTasks.Entry entry(String task) {
    SavedTasks.Entry entry = tasks.get(task);
    checkArgument(entry != null, "the model has no task %s; it has %s", task, tasks());
    return entry;
  }

  /**
   * Outputs of a task's head: class probabilities, or the value on the [0, 1] scale of the label range for
   * regression (with a linear regression output it may fall outside [0, 1]).
   */
  public float[][] predict(String task, List<Example> examples, int maxLength) {
    Inputs inputs = inputs(task);
    for (Example e : examples) {
      checkArgument(inputs.accepts(e), "task %s was trained on %s, but example %s is %s", task,
          inputs.description(), e.id(), Inputs.describe(e));
    }
    return servingPredictor(maxLength).predict(manager, task, kind(task), examples);
  }

  /**
   * {@link #predict(String, List, int)} for an input of any size: examples are read from {@code examples}, and
   * their outputs handed to {@code sink} in input order, a window of {@link BatchPredictor#DEFAULT_WINDOW} at a
   * time, so that memory stays flat however long the input is and a caller can write (and flush) each window as
   * it comes. Each example must be of the form the task was trained on, as for a list.
   *
   * <p>An example the iterator refuses by throwing, or one of the wrong form, ends the prediction with that
   * exception after the examples before it were predicted and handed over. A shutdown ({@link
   * GracefulStop#requestShutdown}) ends it with a {@link RunStoppedException} that says how many outputs were
   * handed over; a request to stop training ({@link GracefulStop#request}) does not.
   *
   * @return how many examples were predicted (and handed over)
   * @throws IOException what {@code sink} throws (a write error); the prediction stops there
   */
  public long predict(String task, Iterator<Example> examples, int maxLength, PredictionSink sink)
      throws IOException {
    return stream(task, examples, maxLength, sink, true);
  }

  /**
   * As {@link #predict(String, Iterator, int, PredictionSink)}, handing over the head's raw outputs: logits for
   * classification (no softmax), the value for regression before it is clamped to the task's range.
   */
  public long predictLogits(String task, Iterator<Example> examples, int maxLength, PredictionSink sink)
      throws IOException {
    return stream(task, examples, maxLength, sink, false);
  }

  private long stream(String task, Iterator<Example> examples, int maxLength, PredictionSink sink,
      boolean probabilities) throws IOException {
    Inputs inputs = inputs(task);
    Iterator<Example> checked = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return examples.hasNext();
      }

      @Override
      public Example next() {
        Example e = examples.next();
        checkArgument(inputs.accepts(e), "task %s was trained on %s, but example %s is %s", task,
            inputs.description(), e.id(), Inputs.describe(e));
        return e;
      }
    };
    BatchPredictor predictor = servingPredictor(maxLength);
    return probabilities
        ? predictor.predict(manager, task, kind(task), checked, BatchPredictor.DEFAULT_WINDOW, sink)
        : predictor.predictLogits(manager, task, kind(task), checked, BatchPredictor.DEFAULT_WINDOW, sink);
  }

  private BatchPredictor servingPredictor(int maxLength) {
    return new BatchPredictor(network, tokenizer(), maxLength, BatchPredictor.DEFAULT_BATCH_SIZE,
        BatchPredictor.SERVING_BATCH_TOKENS);
  }

  /**
   * This model as a teacher: its outputs on the task's training examples, to distil a student from. Computed
   * once, in large no-grad batches; a classification teacher keeps its logits, so that a student can soften
   * them with a temperature.
   */
  public TeacherPredictions teacherPredictions(Task task, int maxLength) {
    return teacherPredictions(task, task.train(), maxLength);
  }

  /**
   * {@link #teacherPredictions(Task, int)} on some of the task's training examples: a shard of them
   * ({@link #teacherPredictionShards}), whose outputs equal, bit for bit, those of the same examples predicted
   * with all the others.
   */
  public TeacherPredictions teacherPredictions(Task task, List<Example> examples, int maxLength) {
    checkArgument(kind(task.name()).equals(task.kind()),
        "the model's %s head predicts %s but the task has %s", task.name(), kind(task.name()), task.kind());
    BatchPredictor predictor = teacherPredictor(maxLength);
    try {
      if (task.kind() instanceof TaskKind.Classification) {
        return TeacherPredictions.ofLogits(task, examples,
            predictor.predictLogits(manager, task.name(), task.kind(), examples));
      }
      return TeacherPredictions.of(task, examples,
          predictor.predict(manager, task.name(), task.kind(), examples));
    } finally {
      // A phase of a training pipeline, between a teacher's training and the student's: what the pass freed goes
      // back to the system (NativeMemory), and the Java heap is collected (YoungGeneration). Serving predictions
      // (predict) do neither.
      YoungGeneration.compact();
      NativeMemory.releaseFreed();
    }
  }

  /**
   * The task's training examples in {@code shards} parts that this teacher predicts separately with the outputs
   * it gives on all of them together ({@link BatchPredictor#shards}): the positions of each shard's examples.
   */
  public List<int[]> teacherPredictionShards(Task task, int shards, int maxLength) {
    return teacherPredictor(maxLength).shards(task.train(), shards);
  }

  private BatchPredictor teacherPredictor(int maxLength) {
    return new BatchPredictor(network, tokenizer(), maxLength, BatchPredictor.DEFAULT_BATCH_SIZE);
  }

  /** All parameters by saved name, as heap tensors. */
  public LinkedHashMap<String, HostTensor> weights() {
    return StateDict.snapshot(network.namedParameters());
  }

  /**
   * All parameters by saved name, as views of their current values, in the order of {@link #weights()}: what a
   * checkpoint or a saved model writes, read where the values lie instead of copied to the Java heap. Read them
   * before the model changes (the next training step) or is closed.
   */
  public LinkedHashMap<String, FloatTensor> weightViews() {
    return StateDict.views(network.namedParameters());
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
    Path tmp = AtomicFiles.createTempDirectory(parent, dir.getFileName() + ".tmp-");
    try {
      AtomicFiles.writeString(tmp.resolve("config.json"), network.encoder().config().toJson());
      SafeTensors.write(tmp.resolve(WEIGHTS_FILE), weightViews(), Map.of("format", "pt"));
      pretrained.writeTokenizerFiles(tmp);
      Map<String, SavedTasks.Entry> ordered = new LinkedHashMap<>();
      tasks().forEach(name -> ordered.put(name, entry(name)));
      AtomicFiles.writeString(tmp.resolve(TASKS_JSON), SavedTasks.toJson(ordered));
      AtomicFiles.writeString(tmp.resolve(SERVING_PROPERTIES), servingProperties());
      AtomicFiles.installDirectory(tmp, dir);
    } finally {
      AtomicFiles.deleteRecursively(tmp);
    }
    deleteLeftovers(dir);
  }

  /**
   * The {@value #SERVING_PROPERTIES} of a saved model: DJL's PyTorch engine, {@link BamBlockFactory} to build the
   * network from the folder's files (which it reads itself, hence no DJL parameter file), and {@link
   * BamTranslatorFactory} to make a task's translator. A model folder saved before this file existed loads
   * once it is added.
   */
  public static String servingProperties() {
    return "# How DJL loads this model: Criteria.builder().optModelPath(<this folder>) and DJL Serving read it.\n"
        + "engine=PyTorch\n"
        + "blockFactory=" + BamBlockFactory.class.getName() + "\n"
        + "translatorFactory=" + BamTranslatorFactory.class.getName() + "\n"
        + "option.hasParameter=false\n";
  }

  /**
   * Deletes the model-sized copies that saves killed part-way left beside {@code dir}: a {@code .tmp-} folder
   * being written, or an {@code .old-} one moved aside. Only once the new copy is in place: until then an
   * {@code .old-} folder may be the only copy.
   */
  private static void deleteLeftovers(Path dir) throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    String name = dir.getFileName().toString();
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(parent,
        p -> p.getFileName().toString().startsWith(name + ".tmp-")
            || p.getFileName().toString().startsWith(name + ".old-"))) {
      for (Path p : siblings) {
        AtomicFiles.deleteRecursively(p);
      }
    }
  }

  /**
   * Frees what the model allocated: its parameters (those of the encoder too when {@link #load} read it) and, for a
   * loaded model, its tokenizer. The manager passed to {@code create} or {@code load} stays open, and so does an
   * encoder passed to {@code create}: their owners close them. Closing twice does nothing.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ownsEncoder) {
      pretrained.close();
    }
    manager.close();
    NativeMemory.releaseFreed();
  }
}
