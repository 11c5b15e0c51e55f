package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.bamjava.internal.weights.ArrayTensor;
import io.github.bamjava.internal.weights.ArrayUpload;
import io.github.bamjava.weights.FloatTensor;
import io.github.bamjava.weights.HostTensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The moments of the {@link FlatBuffers} as the named tensors of an {@link OptimizerState}: {@code m/<parameter>}
 * and {@code v/<parameter>} for each parameter in the optimizer's order, each in its parameter's shape. This is
 * the checkpoint's layout, which running studies resume from: it does not change with the buffers' layout.
 */
final class SavedMoments {

  private SavedMoments() {}

  /** A copy of the moments, named. */
  static Map<String, HostTensor> copy(List<FlatBuffers.Slot> slots) {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (FlatBuffers.Slot slot : slots) {
      tensors.put(OptimizerState.firstMomentName(slot.name()),
          new HostTensor(slot.shape(), slot.m().toFloatArray()));
      tensors.put(OptimizerState.secondMomentName(slot.name()),
          new HostTensor(slot.shape(), slot.v().toFloatArray()));
    }
    return tensors;
  }

  /** The moments where they lie, named as by {@link #copy}: read them before the next step changes them. */
  static Map<String, FloatTensor> views(List<FlatBuffers.Slot> slots) {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    for (FlatBuffers.Slot slot : slots) {
      tensors.put(OptimizerState.firstMomentName(slot.name()), new ArrayTensor(slot.m()));
      tensors.put(OptimizerState.secondMomentName(slot.name()), new ArrayTensor(slot.v()));
    }
    return tensors;
  }

  /**
   * Checks that {@code tensors} holds exactly the moments of {@code slots}, each of its parameter's shape.
   *
   * @throws IllegalArgumentException naming the tensor missing, unexpected or of the wrong shape
   */
  static void check(List<FlatBuffers.Slot> slots, Map<String, ? extends FloatTensor> tensors) {
    Set<String> expected = new LinkedHashSet<>();
    for (FlatBuffers.Slot slot : slots) {
      for (String name : List.of(OptimizerState.firstMomentName(slot.name()),
          OptimizerState.secondMomentName(slot.name()))) {
        expected.add(name);
        FloatTensor t = tensors.get(name);
        checkArgument(t != null, "optimizer state has no tensor %s", name);
        checkArgument(Arrays.equals(t.shape(), slot.shape()),
            "optimizer state tensor %s has shape %s but parameter %s has shape %s", name, Arrays.toString(t.shape()),
            slot.name(), Arrays.toString(slot.shape()));
      }
    }
    for (String name : tensors.keySet()) {
      checkArgument(expected.contains(name),
          "optimizer state has unexpected tensor %s (this optimizer has no parameter for it)", name);
    }
  }

  /**
   * Copies {@link #check checked} moments into the buffers, in place a chunk at a time: the moments stay in
   * libtorch's memory, none pass through the JVM's direct memory.
   */
  static void load(List<FlatBuffers.Slot> slots, Map<String, ? extends FloatTensor> tensors) {
    ArrayUpload upload = new ArrayUpload();
    for (FlatBuffers.Slot slot : slots) {
      upload.copy(tensors.get(OptimizerState.firstMomentName(slot.name())).buffer(), slot.m());
      upload.copy(tensors.get(OptimizerState.secondMomentName(slot.name())).buffer(), slot.v());
    }
  }
}
