package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableMap;
import io.github.bamjava.encoder.Scalars;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mixed-precision part of the optimizer: FP16 copies of some parameters, which the forward pass reads and the
 * backward pass computes gradients for, while the FP32 parameters are the master weights the update moves; and the
 * dynamic {@link LossScale} that keeps small FP16 gradients from vanishing.
 *
 * <p>The caller multiplies the loss by the scale before the backward pass ({@link #scaleLoss}); the step divides
 * the gradients by it. After each update the copies are refreshed from their masters ({@link #refresh}).
 */
final class MasterWeights {

  /** The copies by parameter name, and by parameter id for the store the forward pass reads through. */
  private final ImmutableMap<String, NDArray> byName;
  private final ImmutableMap<String, NDArray> byId;
  private final Map<String, Parameter> parameters;
  private LossScale lossScale;

  /**
   * Makes the FP16 copies in {@code manager}. A copy requires a gradient when its parameter does now.
   *
   * @throws IllegalArgumentException naming a parameter of {@code spec} that is not among {@code parameters}
   */
  MasterWeights(MixedPrecision spec, Map<String, Parameter> parameters, NDManager manager) {
    for (String name : spec.fp16Parameters()) {
      checkArgument(parameters.containsKey(name), "mixed precision names %s, which is not among the parameters",
          name);
    }
    this.parameters = parameters;
    Map<String, NDArray> names = new HashMap<>();
    Map<String, NDArray> ids = new HashMap<>();
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      if (spec.fp16Parameters().contains(e.getKey())) {
        NDArray array = e.getValue().getArray();
        NDArray half = array.toType(DataType.FLOAT16, true);
        half.attach(manager);
        half.setRequiresGradient(array.hasGradient());
        names.put(e.getKey(), half);
        ids.put(e.getValue().getId(), half);
      }
    }
    this.byName = ImmutableMap.copyOf(names);
    this.byId = ImmutableMap.copyOf(ids);
    this.lossScale = spec.initialScale();
  }

  /** The array the forward pass reads for a parameter, which receives its gradient: its copy, or itself. */
  NDArray forwardArray(String name) {
    NDArray half = byName.get(name);
    return half != null ? half : parameters.get(name).getArray();
  }

  /** The current loss scale. */
  LossScale lossScale() {
    return lossScale;
  }

  /** {@code loss} times the loss scale, in the loss's type. */
  NDArray scaleLoss(NDArray loss) {
    return loss.mul(Scalars.of(loss, (float) lossScale.scale()));
  }

  /**
   * Answers a step whose gradients were not finite: true, with the scale halved, when it could back off (the
   * step is then skipped); false when the scale is already at its minimum (the run diverges).
   */
  boolean backOff() {
    if (!lossScale.canBackOff()) {
      return false;
    }
    lossScale = lossScale.afterOverflow();
    return true;
  }

  /** Counts a step with finite gradients towards the scale's growth. */
  void finiteStep() {
    lossScale = lossScale.afterFiniteStep();
  }

  /** Copies the updated masters of the given parameters into their FP16 copies. */
  void refresh(List<String> names) {
    for (String name : names) {
      NDArray half = byName.get(name);
      if (half != null) {
        half.set(FlatBuffers.ALL, parameters.get(name).getArray());
      }
    }
  }

  /** After a restore: every copy made again from its master, and the saved scale. */
  void restore(LossScale saved) {
    refresh(List.copyOf(byName.keySet()));
    lossScale = saved;
  }

  /** A store that gives the FP16 copy of a parameter that has one, and the parameter itself otherwise. */
  ParameterStore parameterStore(NDManager storeManager) {
    return new ParameterStore(storeManager, false) {
      @Override
      public NDArray getValue(Parameter parameter, Device device, boolean training) {
        NDArray half = parameter == null ? null : byId.get(parameter.getId());
        return half != null ? half : super.getValue(parameter, device, training);
      }
    };
  }
}
