package io.github.bamjava.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import io.github.bamjava.distill.DistillationLoss;
import io.github.bamjava.distill.LossFunction;
import io.github.bamjava.distill.TeacherAnnealingSchedule;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.encoder.CheckpointLayout;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.encoder.PretrainedEncoder;
import io.github.bamjava.internal.io.AtomicFiles;
import io.github.bamjava.internal.io.MetricsSchema;
import io.github.bamjava.internal.io.NativeMemory;
import io.github.bamjava.internal.io.OutputLock;
import io.github.bamjava.internal.sampling.ExampleRef;
import io.github.bamjava.internal.sampling.MixedBatcher;
import io.github.bamjava.model.ModelHeads;
import io.github.bamjava.model.Pooling;
import io.github.bamjava.optim.LayerDepth;
import io.github.bamjava.optim.LayerwiseLrOptimizer;
import io.github.bamjava.optim.LossScale;
import io.github.bamjava.optim.MixedPrecision;
import io.github.bamjava.optim.OptimizerSettings;
import io.github.bamjava.optim.RunSchedule;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.runtime.GracefulStop;
import io.github.bamjava.runtime.MallocSettings;
import io.github.bamjava.runtime.MklOnAmd;
import io.github.bamjava.runtime.RunStoppedException;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.runtime.YoungGeneration;
import io.github.bamjava.sampling.TaskSampler;
import io.github.bamjava.task.Task;
import io.github.bamjava.text.PairTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;
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
 *       head for the task is reused when it was saved for the same labels, in the same order, and head options).
 * </ul>
 *
 * <p>Each step draws a minibatch that mixes tasks ({@link MixedBatcher}), pads it to its longest sequence,
 * runs every head, and minimises the {@link DistillationLoss} against λ·gold + (1−λ)·teacher with λ from the
 * {@link TeacherAnnealingSchedule}, using a {@link LayerwiseLrOptimizer}. The run writes {@code run-config.json},
 * a JSON-lines {@code metrics.jsonl}, periodic checkpoints, and the final model under {@code model/}. Starting
 * again on the same output directory resumes from the last checkpoint and gives the same result as a run that
 * was never interrupted; a resume under other {@link TrainingSettings#runKey() settings} (data included) is
 * refused with the list of what differs. The output directory is locked for the run's duration.
 *
 * <p>The builder makes an immutable {@link TrainingSettings}; {@link #train()} is a short loop, and everything
 * around the step (divergence check, metrics log, checkpoints, progress) is a {@link RunListener}.
 *
 * <p>On a GPU, {@link Builder#optMixedPrecision(boolean)} runs the encoder's matrix products in FP16 ({@link
 * LayerwiseLrOptimizer} keeps the FP32 master weights and the loss scale); the saved model and checkpoints are
 * FP32, and evaluation reads the FP32 weights.
 */
public final class BornAgainTrainer {

  /**
   * The default of {@link Builder#optMicroBatchTokens}: 2,048 real tokens a pass. A GLUE batch of 32 short
   * sentences (CoLA, SST-2, about 300–500 tokens) or of the multi-task student's mix (about 900) stays one pass;
   * 32 long pairs (RTE, QNLI, MRPC: up to 4,096) take two.
   */
  public static final int DEFAULT_MICRO_BATCH_TOKENS = 2048;

  private static final Logger LOG = LoggerFactory.getLogger(BornAgainTrainer.class);
  private static final String CHECKPOINTS = "checkpoints";

  private final TrainingSettings settings;
  private final List<RunListener> listeners;
  private final Runnable checkpointHook;
  private final LossScale initialLossScale;

  private BornAgainTrainer(TrainingSettings settings, List<RunListener> listeners, Runnable checkpointHook,
      LossScale initialLossScale) {
    this.settings = settings;
    this.listeners = List.copyOf(listeners);
    this.checkpointHook = checkpointHook;
    this.initialLossScale = initialLossScale;
  }

  /**
   * A builder of a run; each option says its default.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Refuses mixed precision on a CPU: through DJL 0.36, FP16 matrix products there run about a thousand times
   * slower than FP32 (and BF16, the CPU's own half type, crashes the JVM).
   *
   * @param device the training device, or null for DJL's default device
   * @throws IllegalArgumentException when the device is a CPU
   */
  public static void checkMixedPrecisionDevice(@Nullable Device device) {
    Device d = device != null ? device : TorchEngine.get().defaultDevice();
    checkArgument(!Device.Type.CPU.equals(d.getDeviceType()), "mixed precision (FP16) needs a GPU, but the device"
        + " is %s: on a CPU, DJL's FP16 arithmetic is about 1000x slower than FP32. Train in FP32 there (leave out"
        + " optMixedPrecision / --fp16)", d);
  }

  /** The trainer's settings. */
  public TrainingSettings settings() {
    return settings;
  }

  /** Runs (or resumes) training and saves the final model; see the class comment for what is written. */
  public RunResult train() throws IOException {
    Path out = settings.outputDir();
    checkArgument(!Files.exists(out) || Files.isDirectory(out),
        "output directory %s is a file; choose a directory (it is created when missing)", out);
    Files.createDirectories(out);
    try (OutputLock lock = OutputLock.acquire(out); GracefulStop.Scope running = GracefulStop.enter()) {
      // Under the lock no other writer is at work here: a temporary file is a killed write's, never a live one's.
      List<String> leftovers = AtomicFiles.deleteLeftovers(out);
      if (!leftovers.isEmpty()) {
        LOG.info("{}: deleted the temporary files of writes that were interrupted: {}", out, leftovers);
      }
      Optional<RunResult> finished = FinishedRun.read(out);
      if (finished.isPresent()) {
        checkSameRun(out);
        LOG.info("{} holds this run, finished: reusing its model", out);
        return finished.get();
      }
      GracefulStop.check("a stop was requested; training in " + out + " did not start");
      Checkpoints checkpoints = new Checkpoints(out.resolve(CHECKPOINTS), Math.max(1, settings.keepCheckpoints()));
      checkpoints.setMidWriteHook(checkpointHook);
      Optional<Checkpoints.Checkpoint> resume = checkpoints.latest();
      if (resume.isPresent()) {
        checkSameRun(out);
      }
      RunConfig.write(settings);
      MallocSettings.forTraining(); // keeps freed memory for the next step; see MallocSettings
      MklOnAmd.check(); // one line with the fix when MKL runs its generic kernels on an AMD processor
      YoungGeneration.advise(); // one line with the option that keeps an application's heap small
      TorchEngine.get().setRandomSeed((int) settings.seed());
      TorchEngine.gradOffForThisThread(); // training may run on any thread: see TorchEngine
      try (NDManager manager = TorchEngine.newManager(settings.device())) {
        return run(manager, checkpoints, resume);
      } finally {
        YoungGeneration.compact(); // what the run's short-lived objects made G1 commit: see YoungGeneration
        NativeMemory.releaseFreed(); // the run's weights, moments and activations: see NativeMemory
      }
    }
  }

  /** Refuses to resume a run whose saved settings differ from ours, listing what differs. */
  private void checkSameRun(Path out) throws IOException {
    JsonObject was;
    try {
      was = RunConfig.readKey(out).orElse(null);
    } catch (IOException e) {
      throw new IOException(e.getMessage() + "; delete it (or the whole output directory) to start the run afresh",
          e);
    }
    if (was == null) {
      return; // a checkpoint without its configuration: nothing to compare; the checkpoint's shapes are checked
    }
    List<String> changed = RunConfig.differences(was, settings.runKey());
    if (!changed.isEmpty()) {
      throw new IllegalArgumentException(out + " holds a run with other settings; choose a new output directory"
          + " or delete it. What differs (saved → now):\n  " + String.join("\n  ", changed));
    }
  }

  private RunResult run(NDManager manager, Checkpoints checkpoints, Optional<Checkpoints.Checkpoint> resume)
      throws IOException {
    // The run loaded the encoder, so the run closes its tokenizer, also when a check below refuses the run.
    try (PretrainedEncoder pretrained = settings.encoder().load(manager)) {
      return run(manager, pretrained, checkpoints, resume);
    }
  }

  private RunResult run(NDManager manager, PretrainedEncoder pretrained, Checkpoints checkpoints,
      Optional<Checkpoints.Checkpoint> resume) throws IOException {
    List<Task> tasks = settings.tasks();
    List<String> names = tasks.stream().map(Task::name).toList();
    LOG.info("encoder: {} ({})", pretrained.description(), pretrained.encoder().config().summary());
    // Checked before any work: otherwise the first input longer than the position table fails the run when it is
    // met, which may be after hours of training (a long test example, at submission time).
    int positions = pretrained.encoder().config().maxSequenceLength();
    checkArgument(settings.maxLength() <= positions, "max length %s is longer than the %s positions of %s"
        + " (max_position_embeddings %s); choose a max length of at most %s", settings.maxLength(), positions,
        pretrained.description(), pretrained.encoder().config().maxPositionEmbeddings(), positions);
    // Report a partly initialised checkpoint (a missing pooler); a random-init encoder says so in its description.
    // Heads that mean-pool never read the pooler, so its absence (as in sentence-transformer checkpoints) is no news.
    List<String> initialized = pretrained.report().initialized();
    boolean partly = initialized.size() < pretrained.encoder().namedParameters().size();
    if (settings.heads().options().pooling() == Pooling.MEAN) {
      initialized = initialized.stream().filter(name -> !CheckpointLayout.isPooler(name)).toList();
    }
    if (partly && !initialized.isEmpty()) {
      LOG.info("initialised (absent from {}): {}", pretrained.description(), initialized);
    }
    TorchEngine.get().setRandomSeed((int) settings.seed());
    try (BamModel model = BamModel.create(manager, pretrained, tasks, settings.heads())) {
      PairTokenizer tokenizer = pretrained.tokenizer();
      TrainingData data = new TrainingData(tasks, settings.teachers(), settings.temperature(), tokenizer,
          settings.maxLength());
      int examplesPerEpoch = settings.examplesPerEpoch() > 0 ? settings.examplesPerEpoch()
          : tasks.stream().mapToInt(t -> t.train().size()).sum();
      MixedBatcher batcher = new MixedBatcher(data.lengths(), settings.sampler(), settings.batchSize(),
          examplesPerEpoch, settings.seed(), settings.bucketByLength());
      long totalSteps = batcher.batchesPerEpoch() * settings.epochs();
      try (LayerwiseLrOptimizer optimizer = newOptimizer(model, totalSteps)) {
        List<EpochResult> history = new ArrayList<>();
        long step = 0;
        if (resume.isPresent()) {
          step = restore(resume.get(), model, optimizer, history);
          LOG.info("resuming {} from step {} of {}", settings.outputDir(), step, totalSteps);
        }
        // Training time counts every process that worked on the run.
        double earlier = resume.map(c -> CheckpointWriter.trainSecondsIn(c.state())).orElse(0.0);
        long started = System.nanoTime();
        DoubleSupplier trainSeconds = () -> earlier + (System.nanoTime() - started) / 1e9;
        CheckpointWriter writer = settings.keepCheckpoints() == 0 ? null
            : new CheckpointWriter(checkpoints, model, optimizer, history, settings.checkpointEvery(), trainSeconds);
        try (MetricsLog log = new MetricsLog(settings.outputDir().resolve(MetricsSchema.FILE), step > 0)) {
          List<RunListener> all = listeners(log, writer);
          RunInfo info = new RunInfo(names, batcher.probabilities(), totalSteps, batcher.batchesPerEpoch(), step,
              settings.outputDir());
          all.forEach(l -> l.onTrainingStart(info));
          Stepper stepper = new Stepper(model, tokenizer, data, newLoss(tasks), optimizer, names, all, manager,
              settings.microBatchTokens());
          DevEvaluation evaluation = new DevEvaluation(model, tasks, settings.maxLength(), manager);
          trainFrom(step, totalSteps, batcher, stepper, evaluation, history, all, writer);
          return finish(model, checkpoints, history, trainSeconds.getAsDouble(), all);
        }
      }
    }
  }

  /** The loss with each task's weight, in the order of the tasks. */
  private DistillationLoss newLoss(List<Task> tasks) {
    float[] weights = new float[tasks.size()];
    for (int t = 0; t < weights.length; t++) {
      weights[t] = settings.taskWeight(tasks.get(t).name());
    }
    return new DistillationLoss(tasks.stream().map(Task::kind).toList(), weights, settings.loss());
  }

  private LayerwiseLrOptimizer newOptimizer(BamModel model, long totalSteps) {
    Map<String, Parameter> parameters = model.network().namedParameters();
    MixedPrecision mixed = settings.mixedPrecision()
        ? new MixedPrecision(model.network().fp16Parameters(), initialLossScale) : null;
    return new LayerwiseLrOptimizer(settings.optimizer(), parameters, Math.toIntExact(totalSteps),
        LayerDepth.inferredFrom(parameters.keySet()), mixed);
  }

  /**
   * The listeners in the order they hear of each step: the divergence check first (it stops a step before the
   * log records it), then the log, the user's listeners, and the checkpoint writer last (a checkpoint is written
   * after every listener saw the step it covers).
   */
  private List<RunListener> listeners(MetricsLog log, @Nullable CheckpointWriter writer) {
    List<RunListener> all = new ArrayList<>();
    all.add(new DivergenceCheck());
    all.add(log);
    all.addAll(listeners);
    if (writer != null) {
      all.add(writer);
    }
    return all;
  }

  /**
   * The steps from {@code first} to the end, with the dev evaluation at the end of each epoch. A requested stop
   * ({@link GracefulStop}, {@link RunListener#stopRequested()}) ends it after a step (and its epoch's
   * evaluation), with a checkpoint of that step.
   */
  private void trainFrom(long first, long totalSteps, MixedBatcher batcher, Stepper stepper,
      DevEvaluation evaluation, List<EpochResult> history, List<RunListener> all, @Nullable CheckpointWriter writer) {
    long stepsPerEpoch = batcher.batchesPerEpoch();
    long step = first;
    while (step < totalSteps) {
      int epoch = (int) (step / stepsPerEpoch);
      List<List<ExampleRef>> plan = batcher.plan(epoch);
      for (int b = (int) (step % stepsPerEpoch); b < plan.size(); b++) {
        // Without teachers the gold label carries all the weight: say so rather than report an unused schedule.
        double lambda = settings.teachers().isEmpty() ? 1.0 : settings.annealing().lambdaAt(step, totalSteps);
        StepInfo done = stepper.step(plan.get(b), step, totalSteps, epoch, lambda, stepSeed(settings.seed(), step));
        step++;
        all.forEach(l -> l.onStep(done));
        if (b == plan.size() - 1) {
          EpochResult result = evaluation.endEpoch(epoch, step, plan);
          history.add(result);
          all.forEach(l -> l.onEpochEnd(result));
        }
        if (step < totalSteps && (GracefulStop.requested() || all.stream().anyMatch(RunListener::stopRequested))) {
          stop(step, totalSteps, first, writer);
        }
      }
    }
  }

  /** @param first the step this process started from: above 0 when it resumed from a checkpoint */
  private void stop(long step, long totalSteps, long first, @Nullable CheckpointWriter writer) {
    String where;
    if (writer != null) {
      writer.writeIfNew(step);
      where = "its checkpoint is in " + settings.outputDir().resolve(CHECKPOINTS) + ": run the same command (or"
          + " train()) again to resume";
    } else if (first > 0) {
      // Without checkpoints of its own this process deleted none: the one it resumed from is still the latest.
      where = String.format("no checkpoints are kept (optKeepCheckpoints(0)), so a rerun resumes from the"
          + " checkpoint of step %d in %s and does steps %d to %d again", first,
          settings.outputDir().resolve(CHECKPOINTS), first + 1, step);
    } else {
      where = "no checkpoints are kept (optKeepCheckpoints(0)), so a rerun starts afresh";
    }
    throw new RunStoppedException(String.format("stopped on request after step %d of %d; %s", step, totalSteps,
        where));
  }

  /** Saves the model and marks the run finished; the checkpoints go unless the settings keep the last one. */
  private RunResult finish(BamModel model, Checkpoints checkpoints, List<EpochResult> history, double seconds,
      List<RunListener> all) throws IOException {
    Path modelDir = settings.outputDir().resolve("model");
    model.save(modelDir);
    RunResult result = new RunResult(List.copyOf(history), modelDir, settings.outputDir(), seconds);
    FinishedRun.write(result);
    if (!settings.keepFinalCheckpoint()) {
      checkpoints.deleteAll(); // the model is saved; the optimizer state is only for resuming
    }
    all.forEach(l -> l.onTrainingEnd(result));
    return result;
  }

  /** Loads a checkpoint into the model and then the optimizer (which copies FP16 weights from it); returns its step. */
  private static long restore(Checkpoints.Checkpoint c, BamModel model, LayerwiseLrOptimizer optimizer,
      List<EpochResult> history) {
    model.loadWeights("checkpoint at step " + c.step(), c.model());
    optimizer.loadState(c.optimizer());
    history.addAll(new Gson().fromJson(c.state().get("epochs"), new TypeToken<List<EpochResult>>() {}.getType()));
    return c.step();
  }

  /** Dropout masks depend only on (seed, step): a resumed run draws the same ones. */
  private static int stepSeed(long seed, long step) {
    long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L;
    return (int) (z ^ (z >>> 32));
  }

  /**
   * Collects a run's settings; {@link #build()} checks them and copies them into an immutable
   * {@link TrainingSettings}, so that changing the builder afterwards changes no trainer already built.
   */
  public static final class Builder {
    private EncoderSource encoder;
    private final List<Task> tasks = new ArrayList<>();
    private final Map<String, TeacherPredictions> teachers = new LinkedHashMap<>();
    private final Map<String, Double> taskWeights = new LinkedHashMap<>();
    private TeacherAnnealingSchedule annealing = TeacherAnnealingSchedule.linear();
    private double temperature = 1.0;
    private LossFunction loss = LossFunction.paper();
    private TaskSampler sampler = TaskSampler.paperDefault();
    private OptimizerSettings optimizer = OptimizerSettings.BERT;
    private ModelHeads heads = ModelHeads.defaults();
    private int epochs = 3;
    private int batchSize = 32;
    private int maxLength = 128;
    private int examplesPerEpoch;
    private long seed;
    private @Nullable Boolean bucketByLength;
    private int checkpointEvery = 500;
    private int keepCheckpoints = 1;
    private boolean keepFinalCheckpoint;
    private @Nullable Device device;
    private boolean mixedPrecision;
    private boolean mixedPrecisionOnCpu;
    private int microBatchTokens = DEFAULT_MICRO_BATCH_TOKENS;
    private LossScale initialLossScale = LossScale.INITIAL;
    private Path outputDir;
    private final List<RunListener> listeners = new ArrayList<>();
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
    public Builder optAnnealing(TeacherAnnealingSchedule schedule) {
      this.annealing = requireNonNull(schedule, "schedule");
      return this;
    }

    /**
     * The temperature of classification teachers' soft targets, softmax(logits / T); default 1 (the teacher's
     * probabilities, as in the paper). Above 1 it softens them. The student's outputs are not scaled.
     */
    public Builder optTemperature(double t) {
      this.temperature = t;
      return this;
    }

    /** The per-example loss against the annealed targets; default {@link LossFunction#paper()}. */
    public Builder optLoss(LossFunction function) {
      this.loss = requireNonNull(function, "function");
      return this;
    }

    /** How often each task is drawn; default ∝ |D|^0.75. */
    public Builder optSampler(TaskSampler taskSampler) {
      this.sampler = requireNonNull(taskSampler, "taskSampler");
      return this;
    }

    /** A task's loss weight; default 1. */
    public Builder optTaskWeight(String task, double weight) {
      taskWeights.put(requireNonNull(task, "task"), weight);
      return this;
    }

    /** All of the optimizer's settings at once; default {@link OptimizerSettings#BERT}. */
    public Builder optOptimizer(OptimizerSettings settings) {
      this.optimizer = requireNonNull(settings, "settings");
      return this;
    }

    /** Peak learning rate of the top layer; default 1e-4 (the paper's multi-task rate). */
    public Builder optLearningRate(double lr) {
      return withOptimizer(lr, optimizer.layerDecay(), optimizer.weightDecay(), optimizer.clipNorm(),
          optimizer.schedule());
    }

    /** Layer-wise decay α; default 0.9, 1.0 turns it off. */
    public Builder optLayerDecay(double alpha) {
      return withOptimizer(optimizer.learningRate(), alpha, optimizer.weightDecay(), optimizer.clipNorm(),
          optimizer.schedule());
    }

    /** Decoupled weight decay (not on LayerNorm weights and biases); default 0.01. */
    public Builder optWeightDecay(double decay) {
      return withOptimizer(optimizer.learningRate(), optimizer.layerDecay(), decay, optimizer.clipNorm(),
          optimizer.schedule());
    }

    /** The warm-up share of the default schedule (then linear decay to 0); default 0.1. */
    public Builder optWarmupFraction(double fraction) {
      return optSchedule(RunSchedule.warmupLinearDecay(fraction));
    }

    /** The learning-rate schedule; default 10% linear warm-up, then linear decay to 0. */
    public Builder optSchedule(RunSchedule schedule) {
      return withOptimizer(optimizer.learningRate(), optimizer.layerDecay(), optimizer.weightDecay(),
          optimizer.clipNorm(), requireNonNull(schedule, "schedule"));
    }

    /**
     * Whether Adam's moments are bias-corrected; default false, as in BERT's optimizer, which BAM trains with.
     * Without it the first few hundred steps move faster than the learning rate says (about 3x at step 100,
     * 2.4x at step 200): negligible over a long run, not over a short one.
     */
    public Builder optBiasCorrection(boolean correct) {
      OptimizerSettings o = optimizer;
      this.optimizer = new OptimizerSettings(o.learningRate(), o.layerDecay(), o.weightDecay(), o.clipNorm(),
          o.beta1(), o.beta2(), o.epsilon(), correct, o.schedule());
      return this;
    }

    /** The global gradient-norm limit; default 1.0. */
    public Builder optClipNorm(double norm) {
      return withOptimizer(optimizer.learningRate(), optimizer.layerDecay(), optimizer.weightDecay(), norm,
          optimizer.schedule());
    }

    private Builder withOptimizer(double lr, double alpha, double decay, double clip, RunSchedule schedule) {
      OptimizerSettings o = optimizer;
      this.optimizer = new OptimizerSettings(lr, alpha, decay, clip, o.beta1(), o.beta2(), o.epsilon(),
          o.biasCorrection(), schedule);
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

    /**
     * The seed of the run's randomness (task sampling, batch order, dropout, head initialisation): one seed, one
     * result. Default 0.
     */
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

    /**
     * How many of the newest checkpoints to keep while training; default 1. 0 trains without checkpoints (nothing
     * written: after a crash a rerun starts afresh, or resumes from the checkpoint an earlier run left there).
     */
    public Builder optKeepCheckpoints(int n) {
      this.keepCheckpoints = n;
      return this;
    }

    /**
     * Whether to keep the last checkpoint once the final model is saved; default false (it holds the optimizer's
     * moments, twice the model's size, and a finished run is reused from its model and result.json).
     */
    public Builder optKeepFinalCheckpoint(boolean keep) {
      this.keepFinalCheckpoint = keep;
      return this;
    }

    /** The device the model trains on; default DJL's default device. */
    public Builder optDevice(Device d) {
      this.device = requireNonNull(d, "device");
      return this;
    }

    /**
     * Whether to train in FP16 mixed precision; default false. GPU only ({@link #build()} refuses it on a CPU).
     * The encoder's matrix products run in FP16 (with FP16 copies of their weights); embeddings, LayerNorm, the
     * attention softmax, the heads and the loss stay FP32; the optimizer updates FP32 master weights and scales
     * the loss dynamically (an overflowing step is skipped and the scale halved). Checkpoints and the saved model
     * are FP32. Part of the run key.
     */
    public Builder optMixedPrecision(boolean mixed) {
      this.mixedPrecision = mixed;
      return this;
    }

    /**
     * The most real tokens one forward and backward pass computes; default {@value #DEFAULT_MICRO_BATCH_TOKENS}.
     * A batch with more (32 sentence pairs of 120 tokens have 3,840) is computed in micro-batches, one after the
     * other, whose gradients add up to the batch's before the update, so that a step holds the activations of one
     * micro-batch at a time: about half the memory of a MiniLM step at batch 32 × 128 tokens, for a few per cent
     * of its time. 0 computes every batch in one pass. The update is the same up to the order of float sums; the
     * dropout masks, drawn per pass, are other draws, so a run with another value is another run of the same
     * method (not part of the run key: a run resumed with another value goes on correctly).
     */
    public Builder optMicroBatchTokens(int tokens) {
      this.microBatchTokens = tokens;
      return this;
    }

    /**
     * For tests: allows mixed precision on a CPU, where it is correct but about a thousand times slower; tiny
     * models stay fast enough.
     */
    Builder allowMixedPrecisionOnCpu() {
      this.mixedPrecisionOnCpu = true;
      return this;
    }

    /** For tests: the loss scale a mixed-precision run starts from. */
    Builder initialLossScale(LossScale scale) {
      this.initialLossScale = requireNonNull(scale, "scale");
      return this;
    }

    /**
     * The heads: their pooling and regression output, and custom heads for some tasks; default the paper's head
     * on [CLS] through the pooler, with a sigmoid for regression. Saved with the model.
     */
    public Builder optHeads(ModelHeads modelHeads) {
      this.heads = requireNonNull(modelHeads, "modelHeads");
      return this;
    }

    /** Adds a listener to the run's events ({@link RunListener} says when each is called). */
    public Builder addListener(RunListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /** For tests: runs between the two files of every checkpoint write. */
    Builder checkpointHook(Runnable hook) {
      this.checkpointHook = requireNonNull(hook, "hook");
      return this;
    }

    /**
     * Checks the settings and makes the trainer.
     *
     * @throws IllegalStateException when a required setting is missing
     * @throws IllegalArgumentException naming the first bad value, or for mixed precision on a CPU
     */
    public BornAgainTrainer build() {
      checkState(encoder != null, "setEncoder(...) is required");
      checkState(outputDir != null, "setOutputDir(...) is required");
      boolean bucket = bucketByLength != null ? bucketByLength : tasks.size() == 1;
      TrainingSettings settings = new TrainingSettings(encoder, tasks, teachers, taskWeights, heads, sampler,
          annealing, temperature, loss, optimizer, epochs, batchSize, maxLength, examplesPerEpoch, seed, bucket,
          mixedPrecision, microBatchTokens, checkpointEvery, keepCheckpoints, keepFinalCheckpoint, device, outputDir);
      if (mixedPrecision && !mixedPrecisionOnCpu) {
        checkMixedPrecisionDevice(device);
      }
      return new BornAgainTrainer(settings, listeners, checkpointHook, initialLossScale);
    }
  }
}
