package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The optimizer's memory: the first moments, the second moments and a work buffer (the gradients, then the
 * update) of all parameters as three flat FP32 buffers, each parameter owning a slice of each (a view in its
 * shape), the parameters of one layer-wise factor side by side.
 *
 * <p>Why flat: a step then runs a dozen operations over a few long {@link Run}s instead of sixteen per parameter.
 * On a GPU each operation is a kernel launch and each scalar operand a copy to the device; on a CPU each large one
 * is a parallel region whose threads must all be scheduled, which a busy machine makes slow. DJL cannot make its
 * parameters views of one buffer, so they stay separate arrays.
 */
final class FlatBuffers {

  /** Selects every element: filling through it is an in-place fill that also clears NaN and infinity. */
  static final NDIndex ALL = new NDIndex("...");

  /** Values per run of the update: 16 MB of floats. */
  static final long RUN_VALUES = 1L << 22;

  /** One parameter, its layer-wise factor, whether it is decayed, and its slices of the flat buffers. */
  record Slot(String name, Parameter parameter, double layerScale, boolean decayed, long[] shape, NDArray m,
      NDArray v, NDArray work) {}

  /**
   * A stretch of the flat buffers (views) whose values all belong to parameters of one layer-wise factor. A run's
   * temporary (the denominator of the update) is at most 16 MB: a block the allocator keeps and hands back step
   * after step, where a larger one would be mapped fresh and page-faulted every time.
   */
  record Run(double layerScale, NDArray m, NDArray v, NDArray work) {}

  /** The slots whose parameters received a gradient this step, their gradients, and those that did not. */
  record Gathered(List<Slot> live, List<NDArray> gradients, List<Slot> frozen) {

    /** Zeroes the parameters' gradients (also NaN and infinity, which {@code g − g} leaves). */
    void zeroGradients() {
      gradients.forEach(g -> g.set(ALL, 0f));
    }
  }

  private final NDManager manager;
  private final NDArray firstMoments;
  private final NDArray secondMoments;
  private final NDArray work;
  private final ImmutableList<Slot> slots;
  private final ImmutableList<Run> runs;

  /**
   * Allocates the buffers, zeroed, in {@code manager}.
   *
   * @param parameters the parameters by name, in the order of the saved state
   * @param scales their layer-wise factors, which decide the layout
   */
  FlatBuffers(Map<String, Parameter> parameters, LayerScales scales, NDManager manager) {
    this.manager = manager;
    checkParameters(parameters);
    List<String> layout = scales.layout();
    long total = 0;
    Map<String, Long> offsets = new LinkedHashMap<>();
    for (String name : layout) {
      offsets.put(name, total);
      total += parameters.get(name).getArray().size();
    }
    Shape flat = new Shape(total);
    Device device = parameters.values().iterator().next().getArray().getDevice();
    this.firstMoments = manager.zeros(flat, DataType.FLOAT32, device);
    this.secondMoments = manager.zeros(flat, DataType.FLOAT32, device);
    this.work = manager.zeros(flat, DataType.FLOAT32, device);
    ImmutableList.Builder<Slot> list = ImmutableList.builder();
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      String name = e.getKey();
      Shape shape = e.getValue().getArray().getShape();
      long from = offsets.get(name);
      long to = from + shape.size();
      list.add(new Slot(name, e.getValue(), scales.of(name), AdamW.appliesWeightDecay(name), shape.getShape(),
          view(firstMoments, from, to, shape), view(secondMoments, from, to, shape), view(work, from, to, shape)));
    }
    this.slots = list.build();
    ImmutableList.Builder<Run> cut = ImmutableList.builder();
    for (int i = 0; i < layout.size(); ) {
      double scale = scales.of(layout.get(i));
      long from = offsets.get(layout.get(i));
      int j = i;
      while (j < layout.size() && scales.of(layout.get(j)) == scale) {
        j++;
      }
      long to = j < layout.size() ? offsets.get(layout.get(j)) : total;
      for (long start = from; start < to; start += RUN_VALUES) {
        long end = Math.min(to, start + RUN_VALUES);
        Shape run = new Shape(end - start);
        cut.add(new Run(scale, view(firstMoments, start, end, run), view(secondMoments, start, end, run),
            view(work, start, end, run)));
      }
      i = j;
    }
    this.runs = cut.build();
  }

  /**
   * Checks that there are parameters and that each is initialized and FLOAT32.
   *
   * @throws IllegalArgumentException naming the first that is not
   */
  static void checkParameters(Map<String, Parameter> parameters) {
    checkArgument(!parameters.isEmpty(), "parameters must not be empty");
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      String name = requireNonNull(e.getKey(), "parameter name");
      checkArgument(e.getValue() != null, "parameter %s is null", name);
      checkArgument(e.getValue().isInitialized(), "parameter %s is not initialized", name);
      DataType type = e.getValue().getArray().getDataType();
      checkArgument(type == DataType.FLOAT32, "parameter %s is %s; only FLOAT32 is supported", name, type);
    }
  }

  /** Elements [from, to) of a flat buffer as an array of {@code shape} sharing its memory. */
  private static NDArray view(NDArray buffer, long from, long to, Shape shape) {
    try (NDArray slice = buffer.get(new NDIndex("{}:{}", from, to))) {
      // The reshaped view holds the buffer's memory on its own; the intermediate slice can go.
      return slice.reshape(shape);
    }
  }

  /** Every parameter in the given order. */
  List<Slot> slots() {
    return slots;
  }

  /** The buffers cut into runs of one factor and at most {@link #RUN_VALUES} values each, in layout order. */
  List<Run> runs() {
    return runs;
  }

  /** The gradients of all parameters (zero for those without one) after {@link #gather}. */
  NDArray gradients() {
    return work;
  }

  /**
   * A manager for one step's temporaries: results of operations on the buffers (and the scalars DJL makes for
   * scalar operands) land in it, not in the buffers' manager.
   */
  NDManager newScratch() {
    NDManager scratch = manager.newSubManager();
    scratch.tempAttachAll(firstMoments, secondMoments, work);
    return scratch;
  }

  /**
   * Copies each parameter's gradient into its slice of the work buffer and zeroes the gradient (in cache: {@code
   * g − g} is 0 for a finite gradient; {@link Gathered#zeroGradients()} clears a non-finite one). An FP16
   * gradient is widened to FP32 by the copy.
   *
   * @param forwardArray the array the forward pass read for a slot, which holds its gradient
   */
  Gathered gather(NDManager scratch, Function<Slot, NDArray> forwardArray) {
    List<Slot> live = new ArrayList<>(slots.size());
    List<Slot> frozen = new ArrayList<>();
    List<NDArray> grads = new ArrayList<>(slots.size());
    for (Slot slot : slots) {
      NDArray source = forwardArray.apply(slot);
      if (!source.hasGradient()) {
        frozen.add(slot);
        continue;
      }
      // Each getGradient() call makes a new handle attached to the array's manager: move it to ours.
      NDArray g = source.getGradient();
      g.attach(scratch);
      scratch.tempAttachAll(slot.parameter().getArray(), slot.work());
      if (source != slot.parameter().getArray()) {
        scratch.tempAttachAll(source);
      }
      slot.work().set(ALL, g);
      g.subi(g);
      live.add(slot);
      grads.add(g);
    }
    return new Gathered(live, grads, frozen);
  }

  /**
   * Zeroes the gradient slices of parameters without a gradient and copies their moments: the update runs over
   * whole runs, so it changes those moments, and {@link #restore} puts them back.
   */
  List<NDArray> hold(NDManager scratch, List<Slot> frozen) {
    List<NDArray> held = new ArrayList<>();
    for (Slot slot : frozen) {
      scratch.tempAttachAll(slot.work(), slot.m(), slot.v());
      slot.work().set(ALL, 0f);
      held.add(slot.m().duplicate());
      held.add(slot.v().duplicate());
    }
    return held;
  }

  /** Puts back the moments {@link #hold} copied. */
  static void restore(List<Slot> frozen, List<NDArray> held) {
    for (int i = 0; i < frozen.size(); i++) {
      frozen.get(i).m().set(ALL, held.get(2 * i));
      frozen.get(i).v().set(ALL, held.get(2 * i + 1));
    }
  }
}
