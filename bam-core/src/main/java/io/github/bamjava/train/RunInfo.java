package io.github.bamjava.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What a starting run is about to do.
 *
 * @param tasks task names in head order
 * @param taskProbabilities the sampler's probability of each task, same order
 * @param totalSteps optimizer steps of the whole run
 * @param stepsPerEpoch optimizer steps per epoch
 * @param startStep the first step to run (above 0 when resuming)
 * @param outputDir where the run writes
 */
public record RunInfo(
    List<String> tasks, double[] taskProbabilities, long totalSteps, long stepsPerEpoch, long startStep,
    Path outputDir) {}
