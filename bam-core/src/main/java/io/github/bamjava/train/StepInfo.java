package io.github.bamjava.train;

import java.util.Map;

/**
 * One finished optimizer step.
 *
 * @param step the number of steps done, counting this one
 * @param totalSteps steps in the whole run
 * @param epoch the epoch (0-based)
 * @param loss the minimised loss (weighted per-task sums over the batch size)
 * @param taskLoss each task's mean loss over its examples in this batch (tasks absent from the batch omitted)
 * @param lambda the teacher-annealing weight of the gold label (1 in a run without teachers)
 * @param learningRate the peak (top-layer) learning rate at this step
 * @param gradNorm the global gradient norm before clipping; not finite on a mixed-precision step skipped for an
 *     overflow
 * @param lossScale the factor this step's loss was multiplied by for its backward pass (1 without mixed precision)
 * @param examples examples in this batch
 * @param tokens real (non-padding) tokens in this batch
 * @param examplesPerSecond throughput averaged since the run (or resume) started
 * @param secondsLeft estimated seconds to the end of training, evaluation excluded
 */
public record StepInfo(
    long step, long totalSteps, int epoch, double loss, Map<String, Double> taskLoss, double lambda,
    double learningRate, double gradNorm, double lossScale, int examples, long tokens, double examplesPerSecond,
    double secondsLeft) {}
