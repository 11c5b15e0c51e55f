package io.github.bamjava.train;

import io.github.bamjava.predict.BamModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A finished run.
 *
 * @param epochs the evaluation after every epoch
 * @param modelDir the saved final model ({@link BamModel#load})
 * @param outputDir the run's directory (configuration, metrics log, checkpoints)
 * @param trainSeconds wall time of the training steps and dev evaluations, over every process that worked on the
 *     run: a resumed run counts the time before its interruption too (as far as its last checkpoint)
 */
public record RunResult(List<EpochResult> epochs, Path modelDir, Path outputDir, double trainSeconds) {

  /** The dev metrics after the last epoch, per task. */
  public Map<String, Map<String, Double>> finalDev() {
    return epochs.isEmpty() ? Map.of() : epochs.get(epochs.size() - 1).dev();
  }
}
