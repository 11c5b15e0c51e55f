package io.github.bamjava.train;

import java.util.Map;

/**
 * The dev-set evaluation after an epoch.
 *
 * @param epoch the epoch (0-based)
 * @param step steps done at the end of the epoch
 * @param dev per task, its metrics by name
 * @param taskCounts per task, the number of training examples drawn in this epoch (the realised shares)
 */
public record EpochResult(int epoch, long step, Map<String, Map<String, Double>> dev,
    Map<String, Integer> taskCounts) {}
