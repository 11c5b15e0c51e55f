package io.github.bamjava.pipeline;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Locale;

/**
 * One separately runnable piece of a pipeline run: a teacher's training, a teacher's predictions over its task's
 * training set (or over one shard of a large one), the student's training, or one fine-tuning.
 * {@link PipelineWork} says what a unit needs, whether it is done, and runs it; a unit run twice does its work once. A plain value (serializable, so that a cluster
 * can send it to the machine that runs it).
 *
 * @param kind what the unit does
 * @param task the task of a teacher, its predictions or a fine-tuning; empty for the student
 * @param member which of the task's teachers (0 for the first; 0 where there is no teacher)
 * @param shard which shard of the training examples a {@link Kind#SHARD} unit predicts (0 for every other kind)
 */
public record PipelineUnit(Kind kind, String task, int member, int shard) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** What a unit does, in the order the pipeline needs them. */
  public enum Kind {
    /** Trains one teacher: one task, one ensemble member. */
    TEACHER,
    /** Writes one teacher's outputs on one shard of its task's training examples, where they are many. */
    SHARD,
    /** Writes one teacher's outputs on its task's training examples (merging its shards, where it has them). */
    PREDICTIONS,
    /** Trains the multi-task student from every task's teacher predictions. */
    STUDENT,
    /** Fine-tunes the student on one task. */
    FINETUNE
  }

  /**
   * Checks that the task is named exactly where the kind has one, and that the member and the shard are not
   * negative.
   */
  public PipelineUnit {
    requireNonNull(kind, "kind");
    requireNonNull(task, "task");
    checkArgument(member >= 0, "a teacher member must be >= 0, got %s", member);
    checkArgument(shard >= 0, "a shard must be >= 0, got %s", shard);
    checkArgument(shard == 0 || kind == Kind.SHARD, "only shard units have a shard, got %s of %s", shard, kind);
    checkArgument(task.isEmpty() == (kind == Kind.STUDENT), "a %s unit %s a task, got \"%s\"", kind,
        kind == Kind.STUDENT ? "has no" : "needs", task);
    checkArgument(member == 0 || kind == Kind.TEACHER || kind == Kind.SHARD || kind == Kind.PREDICTIONS,
        "only teachers and their predictions have members, got %s of %s", member, kind);
  }

  /** A unit of any kind but {@link Kind#SHARD}. */
  public PipelineUnit(Kind kind, String task, int member) {
    this(kind, task, member, 0);
  }

  /** Member {@code member} of the task's teachers. */
  public static PipelineUnit teacher(String task, int member) {
    return new PipelineUnit(Kind.TEACHER, task, member);
  }

  /** The predictions of member {@code member} of the task's teachers on shard {@code shard} of the task's examples. */
  public static PipelineUnit shard(String task, int member, int shard) {
    return new PipelineUnit(Kind.SHARD, task, member, shard);
  }

  /** The predictions of member {@code member} of the task's teachers on the task's training examples. */
  public static PipelineUnit predictions(String task, int member) {
    return new PipelineUnit(Kind.PREDICTIONS, task, member);
  }

  /** The multi-task student. */
  public static PipelineUnit student() {
    return new PipelineUnit(Kind.STUDENT, "", 0);
  }

  /** The student fine-tuned on {@code task}. */
  public static PipelineUnit finetune(String task) {
    return new PipelineUnit(Kind.FINETUNE, task, 0);
  }

  /**
   * The name of the teacher member: the task's name for the first, then {@code SST-2-2}, {@code SST-2-3}, …; the
   * folder of its run under {@code teachers/}.
   */
  public String memberName() {
    return member == 0 ? task : task + "-" + (member + 1);
  }

  /** A short name for logs: {@code teacher SST-2-2}, {@code predictions SST-2}, {@code student}, … */
  @Override
  public String toString() {
    return switch (kind) {
      case STUDENT -> "student";
      case FINETUNE -> "fine-tune " + task;
      case SHARD -> "predictions " + memberName() + " shard " + (shard + 1);
      default -> kind.name().toLowerCase(Locale.ROOT) + " " + memberName();
    };
  }
}
