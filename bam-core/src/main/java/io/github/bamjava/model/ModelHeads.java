package io.github.bamjava.model;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import com.google.gson.JsonObject;
import io.github.bamjava.task.TaskKind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The heads of a run: the {@link HeadOptions} every head gets and, per task, which registered head it uses (the
 * standard head unless given). What {@code BornAgainTrainer.Builder.optHeads} takes; the model saves each task's
 * resulting {@link HeadSpec}. Immutable: the {@code with…} methods return a new value.
 *
 * <pre>{@code
 * ModelHeads heads = ModelHeads.defaults()
 *     .withOptions(new HeadOptions(Pooling.MEAN, RegressionOutput.LINEAR))
 *     .withHead("reviews", "two-layer", TwoLayerHead::new);
 * }</pre>
 */
public final class ModelHeads {

  private static final ModelHeads DEFAULTS = new ModelHeads(HeadOptions.DEFAULT, ImmutableMap.of(),
      HeadRegistry.standard());

  private final HeadOptions options;
  private final ImmutableMap<String, String> typeByTask;
  private final HeadRegistry registry;

  private ModelHeads(HeadOptions options, ImmutableMap<String, String> typeByTask, HeadRegistry registry) {
    this.options = options;
    this.typeByTask = typeByTask;
    this.registry = registry;
  }

  /** The standard head on every task, with {@link HeadOptions#DEFAULT}: what a run gets unless told. */
  public static ModelHeads defaults() {
    return DEFAULTS;
  }

  /** The same heads with other options (for every task). */
  public ModelHeads withOptions(HeadOptions headOptions) {
    return new ModelHeads(requireNonNull(headOptions, "headOptions"), typeByTask, registry);
  }

  /**
   * The same heads with a custom one for {@code task}, registered under {@code type}: the name its saved model
   * records, and by which {@code BamModel.load} finds the factory again in the {@link #registry()}.
   */
  public ModelHeads withHead(String task, String type, HeadFactory factory) {
    requireNonNull(task, "task");
    HeadRegistry r = registry.with(type, factory);
    Map<String, String> types = new LinkedHashMap<>(typeByTask);
    types.put(task, type);
    return new ModelHeads(options, ImmutableMap.copyOf(types), r);
  }

  /** The same heads with {@code task} on a head registered earlier (by another task's {@link #withHead}). */
  public ModelHeads withHead(String task, String type) {
    requireNonNull(task, "task");
    registry.factory(type);
    Map<String, String> types = new LinkedHashMap<>(typeByTask);
    types.put(task, type);
    return new ModelHeads(options, ImmutableMap.copyOf(types), registry);
  }

  /** The head options (pooling, regression output) the heads are built with. */
  public HeadOptions options() {
    return options;
  }

  /** Every head this run can make, by name: pass it to {@code BamModel.load} to load the run's model. */
  public HeadRegistry registry() {
    return registry;
  }

  /** The tasks given a head of their own. */
  public Set<String> customTasks() {
    return typeByTask.keySet();
  }

  /** The head of a task: its registered name and the run's options. */
  public HeadSpec spec(String task) {
    return new HeadSpec(typeByTask.getOrDefault(task, HeadRegistry.STANDARD), options);
  }

  /** A new head for a task. */
  public TaskHead create(String task, TaskKind kind, int hiddenSize) {
    return registry.factory(spec(task).type()).create(kind, hiddenSize, options);
  }

  /** Whether this is {@link #defaults()}: the standard head everywhere with the default options. */
  public boolean isDefault() {
    return options.equals(HeadOptions.DEFAULT) && typeByTask.isEmpty();
  }

  /** The run-configuration form: the options and the custom heads by task. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    options.addTo(json);
    JsonObject custom = new JsonObject();
    typeByTask.forEach(custom::addProperty);
    json.add("custom", custom);
    return json;
  }

  /** Checks that every task given a custom head is one of {@code tasks}. */
  public void checkTasks(Set<String> tasks) {
    for (String t : typeByTask.keySet()) {
      checkArgument(tasks.contains(t), "a head is given for task %s, which is not among the tasks %s", t, tasks);
    }
  }

  @Override
  public String toString() {
    return "ModelHeads" + toJson();
  }
}
