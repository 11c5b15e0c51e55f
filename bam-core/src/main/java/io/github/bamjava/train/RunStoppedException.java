package io.github.bamjava.train;

/**
 * Training or prediction stopped at a safe point because a stop was requested ({@link GracefulStop}): the run's
 * folder holds a checkpoint of its last step, and running the same command or code again resumes from it.
 */
public final class RunStoppedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public RunStoppedException(String message) {
    super(message);
  }
}
