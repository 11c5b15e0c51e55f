package io.github.bamjava.internal.io;

/**
 * The format of a run's {@code metrics.jsonl}, spelled once: the file's name, its record types and each record's
 * fields. {@link io.github.bamjava.train.MetricsLog} writes it; readers (bam-glue's {@code MetricsLogReader},
 * which {@code bam plot} uses) read it through these names, so that a renamed field cannot leave the writer and a
 * reader apart.
 *
 * <p>Each line is one JSON object with a {@link #TYPE} field. Non-finite numbers are written bare ({@code NaN},
 * {@code Infinity}). A resumed run appends, so a step or epoch may appear twice: the last record wins.
 */
public final class MetricsSchema {
  private MetricsSchema() {}

  /** The file's name in a run's output folder. */
  public static final String FILE = "metrics.jsonl";

  /** The field every record has: {@link #START}, {@link #STEP} or {@link #EPOCH}; others are for newer writers. */
  public static final String TYPE = "type";

  /** The type of the record a run (or a resume) begins with; its fields are in {@link Start}. */
  public static final String START = "start";
  /** The type of a step's record; its fields are in {@link Step}. */
  public static final String STEP = "step";
  /** The type of an epoch's record; its fields are in {@link Epoch}. */
  public static final String EPOCH = "epoch";

  /** The fields of a {@link #START} record. */
  public static final class Start {
    private Start() {}

    /** The task names, in head order (array of strings). */
    public static final String TASKS = "tasks";
    /** Each task's sampling probability, in the order of {@link #TASKS} (array of numbers). */
    public static final String TASK_PROBABILITIES = "task_probabilities";
    /** The number of steps of the whole run. */
    public static final String TOTAL_STEPS = "total_steps";
    /** The number of steps of one epoch. */
    public static final String STEPS_PER_EPOCH = "steps_per_epoch";
    /** The step this process starts from: 0, or the step of the checkpoint it resumed. */
    public static final String START_STEP = "start_step";
  }

  /** The fields of a {@link #STEP} record. */
  public static final class Step {
    private Step() {}

    /** The 1-based step. */
    public static final String STEP = "step";
    /** The 1-based epoch the step is in. */
    public static final String EPOCH = "epoch";
    /** The batch's mean loss. */
    public static final String LOSS = "loss";
    /** The mean loss of each task's examples in the batch (object: task → number). */
    public static final String TASK_LOSS = "task_loss";
    /** The teacher-annealing λ of the step. */
    public static final String LAMBDA = "lambda";
    /** The learning rate of the top layer. */
    public static final String LEARNING_RATE = "lr";
    /** The global gradient norm before clipping; {@code Infinity} or {@code NaN} for a step skipped on overflow. */
    public static final String GRAD_NORM = "grad_norm";
    /** The loss scale under mixed precision; absent without it. */
    public static final String LOSS_SCALE = "loss_scale";
    /** The examples in the batch. */
    public static final String EXAMPLES = "examples";
    /** The real (unpadded) tokens in the batch. */
    public static final String TOKENS = "tokens";
    /** The throughput of the step. */
    public static final String EXAMPLES_PER_SECOND = "examples_per_s";
  }

  /** The fields of an {@link #EPOCH} record. */
  public static final class Epoch {
    private Epoch() {}

    /** The 1-based epoch. */
    public static final String EPOCH = "epoch";
    /** The step the epoch ended at. */
    public static final String STEP = "step";
    /** Each task's dev metrics (object: task → object: metric → number). */
    public static final String DEV = "dev";
    /** How many examples of each task the epoch held (object: task → integer). */
    public static final String TASK_COUNTS = "task_counts";
  }
}
