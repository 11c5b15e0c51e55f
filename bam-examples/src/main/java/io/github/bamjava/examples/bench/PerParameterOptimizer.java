package io.github.bamjava.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import io.github.bamjava.optim.LayerDepth;
import io.github.bamjava.optim.LayerwiseLrOptimizer;
import io.github.bamjava.optim.LearningRateSchedule;
import io.github.bamjava.runtime.TorchEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The step of {@link LayerwiseLrOptimizer} as it was before its moments became flat buffers (up to commit ee207e6):
 * one in-place update of about sixteen array operations per parameter. Kept only as the baseline of {@link
 * OptimizerStepBenchmark}, which times both in one run; same arithmetic, BERT's defaults, no state, no checks.
 */
final class PerParameterOptimizer implements AutoCloseable {

  private record Slot(Parameter parameter, double layerScale, boolean decayed, NDArray m, NDArray v,
      NDArray scratch) {}

  private final List<Slot> slots = new ArrayList<>();
  private final NDManager manager;
  private final LearningRateSchedule schedule;
  private final double peakLearningRate;
  private final double beta1 = 0.9;
  private final double beta2 = 0.999;
  private final double epsilon = 1e-6;
  private final double weightDecay = 0.01;
  private final double clipNorm = 1.0;
  private int stepCount;

  PerParameterOptimizer(Map<String, Parameter> parameters, double learningRate, int totalSteps) {
    this.peakLearningRate = learningRate;
    this.schedule = LearningRateSchedule.linearWarmupDecay(totalSteps, 0.1);
    LayerDepth depth = LayerDepth.inferredFrom(parameters.keySet());
    NDArray first = parameters.values().iterator().next().getArray();
    this.manager = TorchEngine.newManager(first.getDevice());
    parameters.forEach((name, p) -> {
      NDArray a = p.getArray();
      slots.add(new Slot(p, Math.pow(0.9, depth.distanceFromTop(name)),
          LayerwiseLrOptimizer.appliesWeightDecay(name),
          manager.zeros(a.getShape(), DataType.FLOAT32, a.getDevice()),
          manager.zeros(a.getShape(), DataType.FLOAT32, a.getDevice()),
          manager.zeros(a.getShape(), DataType.FLOAT32, a.getDevice())));
    });
  }

  void step() {
    try (NDManager scratch = manager.newSubManager()) {
      List<Slot> live = new ArrayList<>(slots.size());
      List<NDArray> grads = new ArrayList<>(slots.size());
      NDList squaredSums = new NDList(slots.size());
      for (Slot slot : slots) {
        NDArray p = slot.parameter().getArray();
        if (!p.hasGradient()) {
          continue;
        }
        NDArray g = p.getGradient();
        g.attach(scratch);
        squaredSums.add(g.norm());
        live.add(slot);
        grads.add(g);
      }
      float[] sums = NDArrays.stack(squaredSums).toFloatArray();
      double total = 0;
      for (int i = 0; i < sums.length; i++) {
        sums[i] *= sums[i];
        total += sums[i];
      }
      double norm = Math.sqrt(total);
      if (!Double.isFinite(norm)) {
        throw new IllegalStateException("gradient norm is " + norm);
      }
      double clipScale = norm > clipNorm ? clipNorm / norm : 1.0;
      double baseRate = peakLearningRate * schedule.factor(stepCount);
      for (int i = 0; i < live.size(); i++) {
        update(scratch, live.get(i), grads.get(i), clipScale, baseRate);
      }
    }
    stepCount++;
  }

  private void update(NDManager scratch, Slot slot, NDArray g, double clipScale, double baseRate) {
    NDArray p = slot.parameter().getArray();
    NDArray s = slot.scratch();
    double rate = baseRate * slot.layerScale();
    try (NDManager local = scratch.newSubManager()) {
      local.tempAttachAll(p, slot.m(), slot.v(), g, s);
      if (clipScale != 1.0) {
        g.muli(clipScale);
      }
      slot.m().muli(beta1 / (1 - beta1)).addi(g).muli(1 - beta1);
      s.muli(0).addi(g).muli(g).muli(1 - beta2);
      slot.v().muli(beta2).addi(s);
      s.muli(0).addi(slot.v()).powi(0.5);
      s.addi(epsilon).powi(-1).muli(slot.m());
      if (slot.decayed() && weightDecay != 0) {
        p.muli(1 - rate * weightDecay);
      }
      p.subi(s.muli(rate));
      g.muli(0);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
