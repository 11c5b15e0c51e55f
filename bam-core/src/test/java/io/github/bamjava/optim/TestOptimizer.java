package io.github.bamjava.optim;

import static java.util.Objects.requireNonNull;

import ai.djl.nn.Parameter;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An optimizer's inputs as the tests state them: {@link OptimizerSettings#BERT} with the values a test changes,
 * 10 steps, the number of layers inferred unless given. {@link #build()} goes through the public constructor, so
 * the tests exercise what users call.
 */
final class TestOptimizer {

  private final Map<String, Parameter> parameters;
  private final OptimizerSettings base = OptimizerSettings.BERT;
  private double learningRate = base.learningRate();
  private double layerDecay = base.layerDecay();
  private double weightDecay = base.weightDecay();
  private double clipNorm = base.clipNorm();
  private double beta1 = base.beta1();
  private double beta2 = base.beta2();
  private double epsilon = base.epsilon();
  private boolean biasCorrection = base.biasCorrection();
  private RunSchedule schedule = base.schedule();
  private int totalSteps = 10;
  private @Nullable Integer numLayers;
  private @Nullable MixedPrecision mixedPrecision;

  TestOptimizer(Map<String, Parameter> parameters) {
    this.parameters = requireNonNull(parameters, "parameters");
  }

  TestOptimizer learningRate(double value) {
    learningRate = value;
    return this;
  }

  TestOptimizer layerDecay(double value) {
    layerDecay = value;
    return this;
  }

  TestOptimizer weightDecay(double value) {
    weightDecay = value;
    return this;
  }

  TestOptimizer clipNorm(double value) {
    clipNorm = value;
    return this;
  }

  TestOptimizer biasCorrection(boolean value) {
    biasCorrection = value;
    return this;
  }

  /** Linear warm-up over {@code fraction} of the run, then linear decay. */
  TestOptimizer warmupFraction(double fraction) {
    schedule = RunSchedule.warmupLinearDecay(fraction);
    return this;
  }

  TestOptimizer schedule(RunSchedule value) {
    schedule = value;
    return this;
  }

  TestOptimizer totalSteps(int value) {
    totalSteps = value;
    return this;
  }

  TestOptimizer numLayers(int value) {
    numLayers = value;
    return this;
  }

  TestOptimizer mixedPrecision(Collection<String> fp16Parameters) {
    return mixedPrecision(fp16Parameters, LossScale.INITIAL);
  }

  TestOptimizer mixedPrecision(Collection<String> fp16Parameters, LossScale initial) {
    mixedPrecision = new MixedPrecision(Set.copyOf(fp16Parameters), initial);
    return this;
  }

  /** The settings record these values make (its checks apply here). */
  OptimizerSettings settings() {
    return new OptimizerSettings(learningRate, layerDecay, weightDecay, clipNorm, beta1, beta2, epsilon,
        biasCorrection, schedule);
  }

  LayerwiseLrOptimizer build() {
    LayerDepth depth = numLayers == null ? LayerDepth.inferredFrom(parameters.keySet()) : new LayerDepth(numLayers);
    return new LayerwiseLrOptimizer(settings(), parameters, totalSteps, depth, mixedPrecision);
  }
}
