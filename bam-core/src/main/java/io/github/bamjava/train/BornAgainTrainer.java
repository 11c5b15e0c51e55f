package io.github.bamjava.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import io.github.bamjava.distill.DistillationLoss;
import io.github.bamjava.distill.TeacherAnnealingSchedule;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.encoder.PretrainedEncoder;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.optim.LayerwiseLrOptimizer;
import io.github.bamjava.sampling.ExampleRef;
import io.github.bamjava.sampling.MixedBatcher;
import io.github.bamjava.sampling.PaddedBatch;
import io.github.bamjava.sampling.TaskSampler;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskKinds;
import io.github.bamjava.text.PairTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one BERT model on one or more tasks, optionally distilling from teachers with teacher annealing: every
 * variant of the BAM paper through one API.
 *
 * <ul>
 *   <li><b>Single</b>: one task, no teacher. <b>Multi</b>: several tasks, no teachers.
 *   <li><b>Single→Multi (BAM)</b>: several tasks, each with the predictions of its single-task teacher.
 *   <li><b>Single→Single</b>, <b>Multi→Multi</b>: the same, with the matching teachers.
 *   <li>Single-task fine-tuning of a multi-task model: one task, encoder from the saved multi-task model (its
 *       head for the task is reused).
 * </ul>
 *
 * <p>Each step draws a minibatch that mixes tasks ({@link MixedBatcher}), pads it to its longest sequence,
 * runs every head, and minimises the {@link DistillationLoss} against λ·gold + (1−λ)·teacher with λ from the
 * {@link TeacherAnnealingSchedule}, using a {@link LayerwiseLrOptimizer}. The run writes {@code run-config.json},
 * a JSON-lines {@code metrics.jsonl}, periodic checkpoints, and the final model under {@code model/}. Starting
 * again on the same output directory resumes from the last checkpoint and gives the same result as a run that
 * was never interrupted.
 */
public final class BornAgainTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(BornAgainTrainer.class);
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
      .create();

  private final Builder cfg;

  private BornAgainTrainer(Builder cfg) {
    this.cfg = cfg;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Runs (or resumes) training and saves the final model; see the class comment for what is written. */
  public TrainingResult train() throws IOException {
    Path out = cfg.outputDir;
    Files.createDirectories(out);
    JsonObject config = describe();
    Path configFile = out.resolve("run-config.json");
    Checkpoints checkpoints = new Checkpoints(out.resolve("checkpoints"));
    checkpoints.setMidWriteHook(cfg.checkpointHook);
    Optional<Checkpoints.Checkpoint> resume = checkpoints.latest();
    if (resume.isPresent() && Files.exists(configFile)) {
      JsonObject previous = GSON.fromJson(Files.readString(configFile, StandardCharsets.UTF_8), JsonObject.class);
      checkArgument(previous.get("resume_key").equals(config.get("resume_key")),
          "%s holds a run with other settings; choose a new output directory or delete it.%n  was: %s%n  now: %s",
          out, previous.get("resume_key"), config.get("resume_key"));
    }
    Files.writeString(configFile, GSON.toJson(config), StandardCharsets.UTF_8);

    List<Task> tasks = cfg.tasks;
    List<String> names = new ArrayList<>();
    List<TaskKind> kinds = new ArrayList<>();
    float[] weights = new float[tasks.size()];
    for (int t = 0; t < tasks.size(); t++) {
      names.add(tasks.get(t).name());
      kinds.add(tasks.get(t).kind());
      weights[t] = cfg.taskWeights.getOrDefault(tasks.get(t).name(), 1f).floatValue();
    }
    Engine.getInstance().setRandomSeed((int) cfg.seed);
    try (NDManager manager = NDManager.newBaseManager()) {
      PretrainedEncoder pretrained = cfg.encoder.load(manager);
      // Report a partly initialised checkpoint (a missing pooler); a random-init encoder says so in its description.
      List<String> initialized = pretrained.report().initialized();
      if (!initialized.isEmpty() && initialized.size() < pretrained.encoder().namedParameters().size()) {
        LOG.info("initialised (absent from {}): {}", pretrained.description(), initialized);
      }
      Engine.getInstance().setRandomSeed((int) cfg.seed);
      BamModel model = BamModel.create(manager, pretrained, BamModel.kindsOf(tasks));
      PairTokenizer tokenizer = pretrained.tokenizer();

      TrainingData data = new TrainingData(tasks, cfg.teachers, tokenizer, cfg.maxLength);
      int examplesPerEpoch = cfg.examplesPerEpoch > 0 ? cfg.examplesPerEpoch
          : tasks.stream().mapToInt(t -> t.train().size()).sum();
      MixedBatcher batcher = new MixedBatcher(data.lengths(), cfg.sampler, cfg.batchSize, examplesPerEpoch, cfg.seed,
          cfg.bucketByLength);
      long stepsPerEpoch = batcher.batchesPerEpoch();
      long totalSteps = stepsPerEpoch * cfg.epochs;
      DistillationLoss loss = new DistillationLoss(kinds, weights);

      try (LayerwiseLrOptimizer optimizer = LayerwiseLrOptimizer.builder()
          .setParameters(model.network().namedParameters())
          .setLearningRate(cfg.learningRate)
          .setTotalSteps(Math.toIntExact(totalSteps))
          .optLayerDecay(cfg.layerDecay)
          .optWeightDecay(cfg.weightDecay)
          .optWarmupFraction(cfg.warmupFraction)
          .optClipNorm(cfg.clipNorm)
          .build()) {
        long step = 0;
        List<EpochResult> epochs = new ArrayList<>();
        if (resume.isPresent()) {
          Checkpoints.Checkpoint c = resume.get();
          model.loadWeights("checkpoint at step " + c.step(), c.model());
          optimizer.loadState(c.optimizer());
          step = c.step();
          epochs.addAll(GSON.fromJson(c.state().get("epochs"), new TypeToken<List<EpochResult>>() {}.getType()));
          LOG.info("resuming {} from step {} of {}", out, step, totalSteps);
        }
        MetricsLog log = new MetricsLog(out.resolve("metrics.jsonl"), step > 0);
        List<TrainingListener> listeners = new ArrayList<>(cfg.listeners);
        listeners.add(0, log);
        RunInfo run = new RunInfo(names, batcher.probabilities(), totalSteps, stepsPerEpoch, step, out);
        listeners.forEach(l -> l.onTrainingStart(run));

        ParameterStore store = new ParameterStore(manager, false);
        long startStep = step;
        long started = System.nanoTime();
        long examplesDone = 0;
        while (step < totalSteps) {
          int epoch = (int) (step / stepsPerEpoch);
          List<List<ExampleRef>> plan = batcher.plan(epoch);
          for (int b = (int) (step % stepsPerEpoch); b < plan.size(); b++) {
            double lambda = cfg.annealing.lambdaAt(step, totalSteps);
            TrainingData.Batch batch = data.batch(plan.get(b), lambda);
            // Dropout masks depend only on (seed, step): a resumed run draws the same ones.
            Engine.getInstance().setRandomSeed(stepSeed(cfg.seed, step));
            float[] taskSums;
            double total;
            try (NDManager stepManager = manager.newSubManager()) {
              NDList inputs = PaddedBatch.inputs(stepManager, batch.encodings(), tokenizer.padId(),
                  model.network().encoder().config());
              DistillationLoss.Targets t = loss.targets(stepManager, batch.taskOf(), batch.targets());
              try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList outputs = model.network().forward(store, inputs, true);
                NDArray perTask = loss.perTask(outputs, t);
                NDArray objective = DistillationLoss.total(perTask, batch.taskOf().length);
                taskSums = perTask.toFloatArray();
                total = objective.getFloat();
                for (int k = 0; k < taskSums.length; k++) {
                  if (!Float.isFinite(taskSums[k])) {
                    throw new TrainingDivergedException(step, names.get(k), taskSums[k]);
                  }
                }
                gc.backward(objective);
              }
              optimizer.step();
            }
            step++;
            examplesDone += batch.taskOf().length;
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Double> taskLoss = new LinkedHashMap<>();
            for (int k = 0; k < taskSums.length; k++) {
              if (batch.counts()[k] > 0) {
                taskLoss.put(names.get(k), (double) taskSums[k] / batch.counts()[k]);
              }
            }
            double rate = examplesDone / Math.max(seconds, 1e-9);
            double left = (step - startStep) == 0 ? 0 : seconds / (step - startStep) * (totalSteps - step);
            StepInfo info = new StepInfo(step, totalSteps, epoch, total, taskLoss, lambda, optimizer.learningRate(),
                optimizer.lastGradNorm(), batch.taskOf().length, batch.tokens(), rate, left);
            listeners.forEach(l -> l.onStep(info));
            boolean epochEnd = b == plan.size() - 1;
            if (epochEnd) {
              EpochResult result = new EpochResult(epoch, step, evaluate(model, tasks, manager),
                  realisedCounts(names, plan));
              epochs.add(result);
              listeners.forEach(l -> l.onEpochEnd(result));
            }
            if (epochEnd || (cfg.checkpointEvery > 0 && step % cfg.checkpointEvery == 0)) {
              JsonObject state = new JsonObject();
              state.addProperty("step", step);
              state.add("epochs", GSON.toJsonTree(epochs));
              checkpoints.write(step, model.weights(), optimizer.state(), state);
            }
          }
        }
        Path modelDir = out.resolve("model");
        model.save(modelDir);
        TrainingResult result = new TrainingResult(List.copyOf(epochs), modelDir, out,
            (System.nanoTime() - started) / 1e9);
        listeners.forEach(l -> l.onTrainingEnd(result));
        return result;
      } finally {
        tokenizer.close();
      }
    }
  }

  private Map<String, Map<String, Double>> evaluate(BamModel model, List<Task> tasks, NDManager manager) {
    Map<String, Map<String, Double>> dev = new LinkedHashMap<>();
    Predictor predictor = new Predictor(model.network(), model.tokenizer(), cfg.maxLength,
        Predictor.DEFAULT_BATCH_SIZE);
    for (Task task : tasks) {
      if (!task.dev().isEmpty()) {
        float[][] outputs = predictor.predict(manager, task.name(), task.kind(), task.dev());
        dev.put(task.name(), Evaluation.score(task, task.dev(), outputs));
      }
    }
    return dev;
  }

  private static Map<String, Integer> realisedCounts(List<String> names, List<List<ExampleRef>> plan) {
    int[] counts = new int[names.size()];
    plan.forEach(batch -> batch.forEach(ref -> counts[ref.task()]++));
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int t = 0; t < counts.length; t++) {
      out.put(names.get(t), counts[t]);
    }
    return out;
  }

  private static int stepSeed(long seed, long step) {
    long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L;
    return (int) (z ^ (z >>> 32));
  }

  /** The run's configuration as saved in {@code run-config.json}; {@code resume_key} must match to resume. */
  private JsonObject describe() {
    JsonObject key = new JsonObject();
    key.addProperty("encoder", cfg.encoder.describe());
    JsonArray tasks = new JsonArray();
    for (Task t : cfg.tasks) {
      JsonObject task = TaskKinds.toJson(t.kind());
      task.addProperty("name", t.name());
      task.addProperty("train", t.train().size());
      task.addProperty("dev", t.dev().size());
      task.addProperty("weight", cfg.taskWeights.getOrDefault(t.name(), 1f));
      TeacherPredictions teacher = cfg.teachers.get(t.name());
      task.addProperty("teacher", teacher == null ? "none" : teacher.fingerprint());
      tasks.add(task);
    }
    key.add("tasks", tasks);
    key.addProperty("learning_rate", cfg.learningRate);
    key.addProperty("layer_decay", cfg.layerDecay);
    key.addProperty("weight_decay", cfg.weightDecay);
    key.addProperty("warmup_fraction", cfg.warmupFraction);
    key.addProperty("clip_norm", cfg.clipNorm);
    key.addProperty("epochs", cfg.epochs);
    key.addProperty("batch_size", cfg.batchSize);
    key.addProperty("max_length", cfg.maxLength);
    key.addProperty("examples_per_epoch", cfg.examplesPerEpoch);
    key.addProperty("seed", cfg.seed);
    key.addProperty("bucket_by_length", cfg.bucketByLength);
    key.addProperty("sampler", cfg.samplerName);
    key.addProperty("annealing", cfg.annealingName);
    JsonObject config = new JsonObject();
    config.add("resume_key", key);
    config.addProperty("checkpoint_every", cfg.checkpointEvery);
    config.addProperty("library", "bam-java");
    return config;
  }

  /** Settings of a run; required ones are checked in {@link #build()}. */
  public static final class Builder {
    private EncoderSource encoder;
    private final List<Task> tasks = new ArrayList<>();
    private final Map<String, TeacherPredictions> teachers = new LinkedHashMap<>();
    private final Map<String, Float> taskWeights = new LinkedHashMap<>();
    private TeacherAnnealingSchedule annealing = TeacherAnnealingSchedule.linear();
    private String annealingName = "linear";
    private TaskSampler sampler = TaskSampler.paperDefault();
    private String samplerName = "size^0.75";
    private double learningRate = 1e-4;
    private double layerDecay = 0.9;
    private double weightDecay = 0.01;
    private double warmupFraction = 0.1;
    private double clipNorm = 1.0;
    private int epochs = 3;
    private int batchSize = 32;
    private int maxLength = 128;
    private int examplesPerEpoch;
    private long seed;
    private Boolean bucketByLength;
    private int checkpointEvery = 500;
    private Path outputDir;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Runnable checkpointHook = () -> {};

    private Builder() {}

    /** Where the encoder and tokenizer come from (required). */
    public Builder setEncoder(EncoderSource source) {
      this.encoder = requireNonNull(source, "source");
      return this;
    }

    /** Adds a task to train (at least one is required); head order follows the order of addition. */
    public Builder addTask(Task task) {
      tasks.add(requireNonNull(task, "task"));
      return this;
    }

    /** Adds tasks to train. */
    public Builder addTasks(List<Task> all) {
      all.forEach(this::addTask);
      return this;
    }

    /** Where the run writes its configuration, logs, checkpoints and model (required). */
    public Builder setOutputDir(Path dir) {
      this.outputDir = requireNonNull(dir, "dir");
      return this;
    }

    /** A teacher for a task: its predictions on that task's training examples. */
    public Builder optTeacher(String task, TeacherPredictions predictions) {
      teachers.put(requireNonNull(task, "task"), requireNonNull(predictions, "predictions"));
      return this;
    }

    /** How λ (the gold label's weight) moves over training; default linear 0→1. */
    public Builder optAnnealing(TeacherAnnealingSchedule schedule, String name) {
      this.annealing = requireNonNull(schedule, "schedule");
      this.annealingName = requireNonNull(name, "name");
      return this;
    }

    /** How often each task is drawn; default ∝ |D|^0.75. */
    public Builder optSampler(TaskSampler taskSampler, String name) {
      this.sampler = requireNonNull(taskSampler, "taskSampler");
      this.samplerName = requireNonNull(name, "name");
      return this;
    }

    /** A task's loss weight; default 1. */
    public Builder optTaskWeight(String task, double weight) {
      checkArgument(weight >= 0 && Double.isFinite(weight), "task weight must be >= 0, got %s", weight);
      taskWeights.put(task, (float) weight);
      return this;
    }

    /** Peak learning rate of the top layer; default 1e-4 (the paper's multi-task rate). */
    public Builder optLearningRate(double lr) {
      this.learningRate = lr;
      return this;
    }

    /** Layer-wise decay α; default 0.9, 1.0 turns it off. */
    public Builder optLayerDecay(double alpha) {
      this.layerDecay = alpha;
      return this;
    }

    public Builder optWeightDecay(double decay) {
      this.weightDecay = decay;
      return this;
    }

    public Builder optWarmupFraction(double fraction) {
      this.warmupFraction = fraction;
      return this;
    }

    public Builder optClipNorm(double norm) {
      this.clipNorm = norm;
      return this;
    }

    /** Number of epochs; default 3. */
    public Builder optEpochs(int n) {
      this.epochs = n;
      return this;
    }

    /** Examples per minibatch; default 32. */
    public Builder optBatchSize(int n) {
      this.batchSize = n;
      return this;
    }

    /** Longest tokenized input, specials included; longer inputs are truncated longest-first. Default 128. */
    public Builder optMaxLength(int n) {
      this.maxLength = n;
      return this;
    }

    /** Examples per epoch; default the sum of the tasks' training set sizes. */
    public Builder optExamplesPerEpoch(int n) {
      this.examplesPerEpoch = n;
      return this;
    }

    public Builder optSeed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * Whether to batch examples of similar length together. It cuts padding, but in a multi-task run it also
     * sorts tasks apart (their sentence lengths differ), so minibatches stop mixing tasks as the paper's do.
     * Default: on for a single task, off for several.
     */
    public Builder optBucketByLength(boolean bucket) {
      this.bucketByLength = bucket;
      return this;
    }

    /** Steps between checkpoints (0: only at epoch ends); default 500. */
    public Builder optCheckpointEvery(int steps) {
      this.checkpointEvery = steps;
      return this;
    }

    public Builder addListener(TrainingListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /** For tests: runs between the two files of every checkpoint write. */
    Builder checkpointHook(Runnable hook) {
      this.checkpointHook = hook;
      return this;
    }

    public BornAgainTrainer build() {
      checkState(encoder != null, "setEncoder(...) is required");
      checkState(outputDir != null, "setOutputDir(...) is required");
      checkArgument(!tasks.isEmpty(), "at least one task is required");
      BamModel.kindsOf(tasks);
      for (String t : teachers.keySet()) {
        checkArgument(tasks.stream().anyMatch(x -> x.name().equals(t)), "teacher given for unknown task %s", t);
      }
      for (String t : taskWeights.keySet()) {
        checkArgument(tasks.stream().anyMatch(x -> x.name().equals(t)), "weight given for unknown task %s", t);
      }
      checkArgument(batchSize >= 1, "batch size must be >= 1, got %s", batchSize);
      checkArgument(epochs >= 1, "epochs must be >= 1, got %s", epochs);
      checkArgument(maxLength >= 3, "max length must be >= 3, got %s", maxLength);
      checkArgument(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be > 0, got %s",
          learningRate);
      checkArgument(examplesPerEpoch >= 0, "examples per epoch must be >= 0, got %s", examplesPerEpoch);
      checkArgument(checkpointEvery >= 0, "checkpoint interval must be >= 0, got %s", checkpointEvery);
      if (bucketByLength == null) {
        bucketByLength = tasks.size() == 1;
      }
      return new BornAgainTrainer(this);
    }
  }
}
