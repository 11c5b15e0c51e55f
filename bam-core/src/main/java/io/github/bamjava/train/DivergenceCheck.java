package io.github.bamjava.train;

import java.util.Map;

/**
 * Stops a run whose loss became NaN or infinite, before that step changes any weight: the last checkpoint is then
 * the last good state, and the message says which task diverged. It sees the unscaled loss: under mixed
 * precision an FP16 overflow of the gradients is the loss scale's business (the step is skipped), not a
 * divergence.
 */
final class DivergenceCheck implements RunListener {

  @Override
  public void onLoss(long step, Map<String, Double> taskLoss) {
    taskLoss.forEach((task, loss) -> {
      if (!Double.isFinite(loss)) {
        throw new LossDivergedException(step, task, loss);
      }
    });
  }
}
