package io.github.bamjava.task;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A supervised task: a name, what it predicts, its examples and the metrics it is judged by.
 *
 * <p>Tasks are immutable values. The training split must be non-empty and labelled; every label is checked
 * against the task's {@link TaskKind} when the task is built, so a bad label fails here, naming the example,
 * rather than deep inside training.
 */
public final class Task {

  private final String name;
  private final TaskKind kind;
  private final ImmutableList<Example> train;
  private final ImmutableList<Example> dev;
  private final ImmutableList<Example> test;
  private final ImmutableList<TaskMetric> metrics;
  private final Inputs inputs;

  private Task(Builder b) {
    this.name = b.name;
    this.kind = b.kind;
    this.train = ImmutableList.copyOf(b.train);
    this.dev = ImmutableList.copyOf(b.dev);
    this.test = ImmutableList.copyOf(b.test);
    this.metrics = ImmutableList.copyOf(b.metrics);
    this.inputs = Inputs.of(train);
  }

  /** A builder of a task named {@code name} (unique in a run) of kind {@code kind}. */
  public static Builder builder(String name, TaskKind kind) {
    return new Builder(name, kind);
  }

  /** The task's name, unique in a run. */
  public String name() {
    return name;
  }

  /** What the task predicts: classes or a score. */
  public TaskKind kind() {
    return kind;
  }

  /** The labelled training examples, never empty. */
  public List<Example> train() {
    return train;
  }

  /** The labelled dev examples; possibly empty. */
  public List<Example> dev() {
    return dev;
  }

  /** Unlabelled test examples (for submission files); possibly empty. */
  public List<Example> test() {
    return test;
  }

  /** The metrics reported on its dev set. */
  public List<TaskMetric> metrics() {
    return metrics;
  }

  /** Whether the training examples are single sentences or pairs: what a head trained on them can read. */
  public Inputs inputs() {
    return inputs;
  }

  /**
   * The training target of a labelled example: the label index for classification, the label scaled to [0, 1]
   * for regression.
   */
  public float target(Example example) {
    String label = example.label();
    checkArgument(label != null, "task %s: example %s has no label", name, example.id());
    if (kind instanceof TaskKind.Classification c) {
      return classIndex(c, example);
    }
    return (float) ((TaskKind.Regression) kind).scale(parseRegressionLabel(example));
  }

  /** The gold value used by metrics: the label index, or the regression label on its own scale. */
  public double gold(Example example) {
    checkArgument(example.label() != null, "task %s: example %s has no label", name, example.id());
    if (kind instanceof TaskKind.Classification c) {
      return classIndex(c, example);
    }
    return parseRegressionLabel(example);
  }

  private int classIndex(TaskKind.Classification c, Example example) {
    int index = c.labels().indexOf(example.label());
    checkArgument(index >= 0, "task %s: example %s has label '%s', which is not in the label space %s", name,
        example.id(), example.label(), c.labels());
    return index;
  }

  private double parseRegressionLabel(Example example) {
    TaskKind.Regression r = (TaskKind.Regression) kind;
    double value;
    try {
      value = Double.parseDouble(requireNonNull(example.label()).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(String.format(
          "task %s: example %s has label '%s', not a number", name, example.id(), example.label()), e);
    }
    checkArgument(value >= r.min() && value <= r.max(),
        "task %s: example %s has label %s outside the range [%s, %s]",
        name, example.id(), value, r.min(), r.max());
    return value;
  }

  @Override
  public String toString() {
    return String.format("Task[%s, %s, train=%d, dev=%d, test=%d]",
        name, kind, train.size(), dev.size(), test.size());
  }

  /** Builds a {@link Task}; {@link #build()} validates every labelled example. */
  public static final class Builder {
    private final String name;
    private final TaskKind kind;
    private final List<Example> train = new ArrayList<>();
    private final List<Example> dev = new ArrayList<>();
    private final List<Example> test = new ArrayList<>();
    private final List<TaskMetric> metrics = new ArrayList<>();

    private Builder(String name, TaskKind kind) {
      this.name = requireNonNull(name, "name");
      this.kind = requireNonNull(kind, "kind");
      checkArgument(name.matches("[A-Za-z0-9_-]+"),
          "task name '%s' must be letters, digits, '_' or '-' (it names files and parameters)", name);
    }

    /** The training examples (required, not empty). */
    public Builder setTrain(List<Example> examples) {
      train.clear();
      train.addAll(examples);
      return this;
    }

    /** The labelled dev examples the run evaluates on; default none. */
    public Builder optDev(List<Example> examples) {
      dev.clear();
      dev.addAll(examples);
      return this;
    }

    /** The unlabelled test examples, for submission files; default none. */
    public Builder optTest(List<Example> examples) {
      test.clear();
      test.addAll(examples);
      return this;
    }

    /** The metrics the task is judged by; the first is its headline. Default: accuracy or Pearson. */
    public Builder optMetrics(TaskMetric... m) {
      metrics.clear();
      metrics.addAll(List.of(m));
      return this;
    }

    /** The task; an error when it has no training examples. */
    public Task build() {
      checkArgument(!train.isEmpty(), "task %s has no training examples", name);
      if (metrics.isEmpty()) {
        metrics.add(kind instanceof TaskKind.Classification ? TaskMetrics.ACCURACY : TaskMetrics.PEARSON);
      }
      Task task = new Task(this);
      checkSplit(task, "train", train, true);
      checkSplit(task, "dev", dev, true);
      checkSplit(task, "test", test, false);
      return task;
    }

    private void checkSplit(Task task, String split, List<Example> examples, boolean labelled) {
      Set<String> ids = new HashSet<>();
      for (Example e : examples) {
        checkArgument(ids.add(e.id()), "task %s: duplicate example id '%s' in %s", name, e.id(), split);
        if (labelled) {
          checkArgument(e.isLabelled(), "task %s: %s example %s has no label", name, split, e.id());
          task.target(e);
        }
      }
    }
  }
}
