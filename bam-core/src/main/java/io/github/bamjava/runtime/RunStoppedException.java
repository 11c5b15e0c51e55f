package io.github.bamjava.runtime;

/**
 * Training or prediction stopped at a safe point because a stop was requested ({@link GracefulStop}). A stopped
 * training's folder holds a checkpoint of its last step, and running the same command or code again resumes from
 * it; a stopped streaming prediction has handed over the outputs of the inputs its message counts, and no others.
 */
public final class RunStoppedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** A run or prediction stopped on request; {@code message} says how far it got. */
  public RunStoppedException(String message) {
    super(message);
  }
}
