package io.github.bamjava.model;

import io.github.bamjava.task.TaskKind;

/** Makes a task's head; registered under a name in a {@link HeadRegistry}, by which saved models refer to it. */
@FunctionalInterface
public interface HeadFactory {

  /**
   * A new, uninitialised head for a task.
   *
   * @param kind the task's kind: its head gives {@code kind.outputSize()} outputs per example
   * @param hiddenSize the width of the pooled vectors the head receives
   * @param options the run's head options (the pooling is applied before the head; a regression head should
   *     honour {@link HeadOptions#regressionOutput()})
   */
  TaskHead create(TaskKind kind, int hiddenSize, HeadOptions options);
}
