package io.github.bamjava.train;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import io.github.bamjava.distill.ExampleFingerprint;
import io.github.bamjava.distill.LossFunction;
import io.github.bamjava.distill.TeacherAnnealingSchedule;
import io.github.bamjava.distill.TeacherPredictions;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.model.ModelHeads;
import io.github.bamjava.optim.OptimizerSettings;
import io.github.bamjava.optim.RunSchedule;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.sampling.TaskSampler;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKinds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything a training run is: its tasks and data, where the encoder comes from, the teachers, the method's
 * strategies and the optimisation settings. Immutable; made by {@link BornAgainTrainer.Builder} (or by presets that
 * fill one), read by the trainer.
 *
 * <p>{@link #runKey()} is these settings as JSON, each task's data as a fingerprint of its examples' text
 * <em>and</em> labels, each teacher as a hash of its predictions ({@link TeacherPredictions#contentHash()}), a
 * checkpoint directory's encoder by its path and a digest of its files ({@link EncoderSource#contentDigest()}). A
 * run resumes only under the same key, and a refusal lists the fields that differ ({@link RunConfig#differences}).
 *
 * @param encoder where the pretrained encoder and tokenizer come from
 * @param tasks the tasks, in head order
 * @param teachers each distilled task's teacher predictions on its training examples
 * @param taskWeights each task's loss weight (tasks absent weigh 1)
 * @param heads the task heads: pooling, regression output, custom heads
 * @param sampler how often each task is drawn
 * @param annealing how λ, the gold label's weight in the target, moves over training
 * @param temperature the temperature of classification teachers' soft targets (1: their probabilities)
 * @param loss the per-example loss against the annealed targets
 * @param optimizer the optimizer's settings
 * @param epochs passes over the data
 * @param batchSize examples per minibatch
 * @param maxLength the longest tokenized input, special tokens included
 * @param examplesPerEpoch examples per epoch; 0 for the sum of the tasks' training set sizes
 * @param seed the seed of every random draw of the run
 * @param bucketByLength whether minibatches group examples of similar length
 * @param mixedPrecision whether the encoder's matrix products run in FP16 with FP32 master weights and a dynamic
 *     loss scale (GPU only); in the run key only when true, so that keys of FP32 runs stay as they were
 * @param microBatchTokens the most real tokens one forward and backward pass computes: a batch with more is
 *     computed in micro-batches, one after the other, whose gradients add up to the batch's (0: every batch in
 *     one pass); not part of the run key: it bounds memory and changes which dropout masks are drawn, not the
 *     model, the data or the optimisation
 * @param checkpointEvery steps between checkpoints (0: only at epoch ends); not part of the run key
 * @param keepCheckpoints how many of the newest checkpoints to keep (0: none written); not part of the run key
 * @param keepFinalCheckpoint whether the last checkpoint stays once the model is saved; not part of the run key
 * @param device where the model trains, or null for DJL's default device; not part of the run key
 * @param outputDir where the run writes; not part of the run key
 */
public record TrainingSettings(
    EncoderSource encoder,
    List<Task> tasks,
    Map<String, TeacherPredictions> teachers,
    Map<String, Double> taskWeights,
    ModelHeads heads,
    TaskSampler sampler,
    TeacherAnnealingSchedule annealing,
    double temperature,
    LossFunction loss,
    OptimizerSettings optimizer,
    int epochs,
    int batchSize,
    int maxLength,
    int examplesPerEpoch,
    long seed,
    boolean bucketByLength,
    boolean mixedPrecision,
    int microBatchTokens,
    int checkpointEvery,
    int keepCheckpoints,
    boolean keepFinalCheckpoint,
    @Nullable Device device,
    Path outputDir) {

  /**
   * Fields that change where or how often a run writes, or how its batches are cut into passes (which dropout
   * masks are drawn), not the model, data or optimisation it computes: a resume may change them.
   */
  private static final List<String> NOT_IN_KEY = List.of("microBatchTokens", "checkpointEvery", "keepCheckpoints",
      "keepFinalCheckpoint", "device", "outputDir");

  private static final Gson KEY_GSON = new GsonBuilder()
      .registerTypeHierarchyAdapter(EncoderSource.class,
          (JsonSerializer<EncoderSource>) (s, t, c) -> new JsonPrimitive(s.describe()))
      .registerTypeHierarchyAdapter(TaskSampler.class,
          (JsonSerializer<TaskSampler>) (s, t, c) -> new JsonPrimitive(s.describe()))
      .registerTypeHierarchyAdapter(TeacherAnnealingSchedule.class,
          (JsonSerializer<TeacherAnnealingSchedule>) (s, t, c) -> new JsonPrimitive(s.describe()))
      .registerTypeHierarchyAdapter(LossFunction.class,
          (JsonSerializer<LossFunction>) (s, t, c) -> new JsonPrimitive(s.describe()))
      .registerTypeHierarchyAdapter(RunSchedule.class,
          (JsonSerializer<RunSchedule>) (s, t, c) -> new JsonPrimitive(s.describe()))
      .registerTypeHierarchyAdapter(TeacherPredictions.class,
          (JsonSerializer<TeacherPredictions>) (p, t, c) -> new JsonPrimitive(p.contentHash()))
      .registerTypeHierarchyAdapter(ModelHeads.class, (JsonSerializer<ModelHeads>) (h, t, c) -> h.toJson())
      .registerTypeHierarchyAdapter(Task.class, (JsonSerializer<Task>) (task, t, c) -> describe(task))
      // Not in the key, but serialised before being dropped: their reflective forms are not portable.
      .registerTypeHierarchyAdapter(Path.class, (JsonSerializer<Path>) (p, t, c) -> new JsonPrimitive(p.toString()))
      .registerTypeHierarchyAdapter(Device.class,
          (JsonSerializer<Device>) (d, t, c) -> new JsonPrimitive(d.toString()))
      .serializeSpecialFloatingPointValues()
      .create();

  /** Checks that every strategy is set and every number in range; the messages name the setting and its value. */
  public TrainingSettings {
    requireNonNull(encoder, "encoder");
    requireNonNull(heads, "heads");
    requireNonNull(sampler, "sampler");
    requireNonNull(annealing, "annealing");
    requireNonNull(loss, "loss");
    checkArgument(temperature > 0 && Double.isFinite(temperature), "temperature must be > 0, got %s", temperature);
    requireNonNull(optimizer, "optimizer");
    requireNonNull(outputDir, "outputDir");
    tasks = ImmutableList.copyOf(tasks);
    teachers = ImmutableMap.copyOf(teachers);
    taskWeights = ImmutableMap.copyOf(taskWeights);
    checkArgument(!tasks.isEmpty(), "at least one task is required");
    BamModel.kindsOf(tasks);
    for (String t : teachers.keySet()) {
      checkArgument(hasTask(tasks, t), "teacher given for unknown task %s", t);
    }
    for (Map.Entry<String, Double> w : taskWeights.entrySet()) {
      checkArgument(hasTask(tasks, w.getKey()), "weight given for unknown task %s", w.getKey());
      checkArgument(w.getValue() >= 0 && Double.isFinite(w.getValue()), "task weight of %s must be >= 0, got %s",
          w.getKey(), w.getValue());
    }
    checkArgument(batchSize >= 1, "batch size must be >= 1, got %s", batchSize);
    checkArgument(epochs >= 1, "epochs must be >= 1, got %s", epochs);
    checkArgument(maxLength >= 3, "max length must be >= 3, got %s", maxLength);
    checkArgument(examplesPerEpoch >= 0, "examples per epoch must be >= 0, got %s", examplesPerEpoch);
    checkArgument(microBatchTokens >= 0, "micro-batch tokens must be >= 0, got %s", microBatchTokens);
    checkArgument(checkpointEvery >= 0, "checkpoint interval must be >= 0, got %s", checkpointEvery);
    checkArgument(keepCheckpoints >= 0, "checkpoints to keep must be >= 0, got %s", keepCheckpoints);
  }

  /** The loss weight of a task. */
  public float taskWeight(String task) {
    return taskWeights.getOrDefault(task, 1.0).floatValue();
  }

  /** The teacher of a task, or null when it learns from gold labels only. */
  public @Nullable TeacherPredictions teacher(String task) {
    return teachers.get(task);
  }

  /** These settings as the JSON a run must match to resume; see the class comment. */
  public JsonObject runKey() {
    JsonObject key = KEY_GSON.toJsonTree(this).getAsJsonObject();
    NOT_IN_KEY.forEach(key::remove);
    if (!mixedPrecision) {
      // Absent rather than false: a run saved before the setting existed resumes under the same key.
      key.remove("mixedPrecision");
    }
    try {
      // The path alone would take a directory retrained in place for the encoder a finished run was trained on.
      encoder.contentDigest().ifPresent(d -> key.addProperty(RunConfig.ENCODER_DATA, d));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the encoder's files (" + encoder.describe() + ")", e);
    }
    return key;
  }

  private static JsonElement describe(Task task) {
    JsonObject json = TaskKinds.toJson(task.kind());
    json.addProperty("name", task.name());
    json.addProperty("train", task.train().size());
    json.addProperty("dev", task.dev().size());
    // Text and labels: a relabelled example is other training data.
    json.addProperty("train_data", ExampleFingerprint.withLabels(task.train()));
    // The dev set and its metrics make the scores a finished run returns: a corrected dev set of the same size
    // must not return the old run's scores.
    json.addProperty(RunConfig.DEV_DATA, ExampleFingerprint.withLabels(task.dev()));
    JsonArray metrics = new JsonArray();
    task.metrics().forEach(m -> metrics.add(m.name()));
    json.add(RunConfig.METRICS, metrics);
    return json;
  }

  private static boolean hasTask(List<Task> tasks, String name) {
    return tasks.stream().anyMatch(t -> t.name().equals(name));
  }
}
