package io.github.bamjava.train;

/**
 * The loss became NaN or infinite. Training stops before the bad step updates any weight, so the last
 * checkpoint is the last good state.
 */
public final class LossDivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final long step;
  private final String task;

  /** The loss of {@code task} was {@code loss} at {@code step}. */
  public LossDivergedException(long step, String task, double loss) {
    super(String.format("loss of task %s is %s at step %d; stopping (the last checkpoint is the last good state;"
        + " try a lower learning rate)", task, loss, step));
    this.step = step;
    this.task = task;
  }

  /** The step (0-based) whose loss was not finite. */
  public long step() {
    return step;
  }

  /** The first task whose loss was not finite. */
  public String task() {
    return task;
  }
}
