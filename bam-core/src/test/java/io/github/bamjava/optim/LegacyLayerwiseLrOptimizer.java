package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.github.bamjava.encoder.CheckpointLayout;
import io.github.bamjava.encoder.Scalars;
import io.github.bamjava.weights.ArrayUpload;
import io.github.bamjava.weights.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * AdamW as BERT and BAM train with it, plus layer-wise learning rates.
 *
 * <p>At 0-based step {@code t}, with {@code g} the gradient of parameter {@code p} after global clipping:
 *
 * <pre>
 *   n      = sqrt(Σ over all parameters of Σ g²)              (the global gradient norm, {@link #lastGradNorm()})
 *   g      = g · c / max(n, c)                                  (c = clip norm, default 1.0)
 *   m      = β1·m + (1 − β1)·g
 *   v      = β2·v + (1 − β2)·g²
 *   update = m / (sqrt(v) + ε)  +  wd·p                         (wd·p only for decayed parameters)
 *   p      = p − lr_p(t)·update
 *   lr_p(t) = peak · schedule.factor(t) · α^(top − depth(p))
 * </pre>
 *
 * <p>There is no bias correction, as in BERT's {@code AdamWeightDecayOptimizer}; {@link
 * Builder#optBiasCorrection(boolean)} turns it on ({@code m / (1 − β1^(t+1))} and {@code v / (1 − β2^(t+1))} in
 * the update). Weight decay is decoupled from the gradient and skips every parameter whose name contains
 * {@code LayerNorm} or ends in {@code .bias} ({@link #appliesWeightDecay(String)}). Depths come from {@link
 * LayerDepth}: embeddings deepest, task heads on top at factor 1.
 *
 * <p><b>Mixed precision</b> ({@link Builder#optMixedPrecision}): the named parameters get FP16 copies, which the
 * forward pass reads through {@link #parameterStore} and the backward pass computes gradients for, while the
 * parameters themselves stay FP32 and are the master weights this optimizer updates; after each update the
 * copies are refreshed from them. The caller multiplies the loss by {@link #lossScale()} before the backward
 * pass ({@link #scaleLoss}); the step divides the gradients by it (folded into the clipping factor, so the
 * clip norm and {@link #lastGradNorm()} are those of the true gradients). When the gradients are not finite the
 * step is skipped: nothing moves, the gradients are zeroed and the scale is halved ({@link LossScale}); the
 * step still counts, so the learning-rate schedule follows the batches. Checkpoints hold the FP32 parameters
 * and the scale, so a resumed run continues exactly.
 *
 * <p>Why not DJL's {@code Optimizer}: DJL's AdamW has one weight decay for all parameters, its {@code clipGrad}
 * clamps each element rather than the global norm (which needs every gradient before any update), it sees
 * parameters by id rather than name, and it has no state to save.
 *
 * <p>Use: after each backward pass, with the {@code GradientCollector} closed, call {@link #step()}. PyTorch adds
 * each backward pass's gradients to the previous ones, so {@code step()} zeroes every gradient it read; several
 * backward passes before one {@code step()} therefore accumulate, as intended. The moments live in a manager owned
 * by this optimizer ({@link #close()} frees them); every array made during a step lives in a sub-manager closed
 * before {@code step()} returns, so memory stays flat over a run. Not thread-safe.
 *
 * <p>How: the moments of all parameters are two flat buffers, and a third holds the gradients and then the
 * update; each parameter owns a slice of each (a view), the parameters of one depth side by side. A step copies
 * every gradient into its slice and zeroes it, takes the norm of the whole buffer, runs the update over stretches
 * of the buffers (one depth and at most 16 MB each, a dozen operations apiece with the depth's rate folded in),
 * then decays and moves each parameter by its slice: four operations per parameter where the update of one
 * parameter at a time took sixteen. On a GPU each operation is a kernel launch and each scalar operand a copy to
 * the device; on a CPU each large one is a parallel region whose threads must all be scheduled, which a busy
 * machine makes slow. DJL cannot make its parameters views of one buffer, so they stay separate arrays.
 * bam-examples' {@code OptimizerStepBenchmark} times this step against the per-parameter one.
 */
public final class LegacyLayerwiseLrOptimizer implements AutoCloseable {

  /** Selects every element: filling through it is an in-place fill that also clears NaN and infinity. */
  private static final NDIndex ALL = new NDIndex("...");

  /** Values per run of the update: 16 MB of floats. */
  static final long RUN_VALUES = 1L << 22;

  private final ImmutableList<Slot> slots;
  private final ImmutableMap<String, Slot> slotsByName;
  /** The flat buffers cut into runs of one depth each and at most {@link #RUN_VALUES} values, in layout order. */
  private final ImmutableList<Run> runs;
  private final NDManager manager;
  /** First moments, second moments and gradients (then the update) of all parameters: [number of values]. */
  private final NDArray firstMoments;
  private final NDArray secondMoments;
  private final NDArray work;
  private final LayerDepth layerDepth;
  private final LearningRateSchedule schedule;
  private final double peakLearningRate;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final double clipNorm;
  private final boolean biasCorrection;
  /** The FP16 copies the forward pass reads, by parameter id; empty without mixed precision. */
  private final ImmutableMap<String, NDArray> halfCopies;

  private int stepCount;
  /** The dynamic loss scale; null without mixed precision. */
  private @Nullable LossScale lossScale;
  private boolean lastStepSkipped;
  private double lastGradNorm = Double.NaN;
  private boolean closed;

  /** One parameter with what the update needs to know about it, and its slices of the flat buffers. */
  private static final class Slot {
    final String name;
    final Parameter parameter;
    final double layerScale;
    final boolean decayed;
    final long[] shape;
    /** Views of the flat buffers, in the parameter's shape. */
    final NDArray m;
    final NDArray v;
    final NDArray work;
    /** The FP16 copy the forward pass reads under mixed precision, or null when it reads the parameter. */
    final @Nullable NDArray half;

    Slot(String name, Parameter parameter, double layerScale, boolean decayed, long[] shape, NDArray m,
        NDArray v, NDArray work, @Nullable NDArray half) {
      this.name = name;
      this.parameter = parameter;
      this.layerScale = layerScale;
      this.decayed = decayed;
      this.shape = shape;
      this.m = m;
      this.v = v;
      this.work = work;
      this.half = half;
    }

    /** The array the forward pass reads, which receives the gradient. */
    NDArray forwardArray() {
      return half != null ? half : parameter.getArray();
    }
  }

  /**
   * A stretch of the flat buffers (views) whose values all belong to parameters of one depth, so one layer-wise
   * factor. A run's temporary (the denominator of the update) is at most 16 MB: a block the allocator keeps and
   * hands back step after step, where a larger one would be mapped fresh and page-faulted every time.
   */
  private record Run(double layerScale, NDArray m, NDArray v, NDArray work) {}

  private LegacyLayerwiseLrOptimizer(Builder b, LayerDepth layerDepth, LearningRateSchedule schedule) {
    this.layerDepth = layerDepth;
    this.schedule = schedule;
    this.peakLearningRate = b.learningRate;
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.epsilon = b.epsilon;
    this.weightDecay = b.weightDecay;
    this.clipNorm = b.clipNorm;
    this.biasCorrection = b.biasCorrection;
    this.lossScale = b.halfPrecision == null ? null : b.lossScale;
    NDArray first = b.parameters.values().iterator().next().getArray();
    this.manager = NDManager.newBaseManager(first.getDevice());
    // Parameters of one depth lie next to each other in the flat buffers, so that the update runs over long
    // stretches of one rate; within a depth, and in state(), the given order is kept.
    Map<String, Double> scales = new LinkedHashMap<>();
    b.parameters.keySet().forEach(n -> scales.put(n, Math.pow(b.layerDecay, layerDepth.distanceFromTop(n))));
    List<String> layout = new ArrayList<>(b.parameters.keySet());
    layout.sort(Comparator.comparing(scales::get));
    long total = 0;
    Map<String, Long> offsets = new LinkedHashMap<>();
    for (String name : layout) {
      offsets.put(name, total);
      total += b.parameters.get(name).getArray().size();
    }
    Shape flat = new Shape(total);
    this.firstMoments = manager.zeros(flat, DataType.FLOAT32, first.getDevice());
    this.secondMoments = manager.zeros(flat, DataType.FLOAT32, first.getDevice());
    this.work = manager.zeros(flat, DataType.FLOAT32, first.getDevice());
    ImmutableList.Builder<Slot> list = ImmutableList.builder();
    ImmutableMap.Builder<String, Slot> map = ImmutableMap.builder();
    Map<String, NDArray> halves = new HashMap<>();
    for (Map.Entry<String, Parameter> e : b.parameters.entrySet()) {
      String name = e.getKey();
      NDArray array = e.getValue().getArray();
      Shape shape = array.getShape();
      long from = offsets.get(name);
      long to = from + shape.size();
      NDArray half = null;
      if (b.halfPrecision != null && b.halfPrecision.contains(name)) {
        half = array.toType(DataType.FLOAT16, true);
        half.attach(manager);
        half.setRequiresGradient(array.hasGradient());
        halves.put(e.getValue().getId(), half);
      }
      Slot slot = new Slot(name, e.getValue(), scales.get(name), appliesWeightDecay(name), shape.getShape(),
          view(firstMoments, from, to, shape), view(secondMoments, from, to, shape), view(work, from, to, shape),
          half);
      list.add(slot);
      map.put(name, slot);
    }
    this.slots = list.build();
    this.slotsByName = map.buildOrThrow();
    this.halfCopies = ImmutableMap.copyOf(halves);
    ImmutableList.Builder<Run> cut = ImmutableList.builder();
    for (int i = 0; i < layout.size(); ) {
      double scale = scales.get(layout.get(i));
      long from = offsets.get(layout.get(i));
      int j = i;
      while (j < layout.size() && scales.get(layout.get(j)) == scale) {
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

  /** Elements [from, to) of a flat buffer as an array of {@code shape} sharing its memory. */
  private static NDArray view(NDArray buffer, long from, long to, Shape shape) {
    try (NDArray slice = buffer.get(new NDIndex("{}:{}", from, to))) {
      // The reshaped view holds the buffer's memory on its own; the intermediate slice can go.
      return slice.reshape(shape);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether weight decay applies to a parameter: not to LayerNorm parameters ({@link
   * CheckpointLayout#isNormalization}: {@code LayerNorm}, DistilBERT's {@code sa_layer_norm}, ...) nor to biases (names ending in {@code .bias}), as in BERT, since pulling a normalisation
   * gain or an offset towards 0 is not regularisation but distortion.
   */
  public static boolean appliesWeightDecay(String parameterName) {
    return !CheckpointLayout.isNormalization(parameterName) && !parameterName.endsWith(".bias");
  }

  /**
   * Makes one update of every parameter that requires a gradient (a parameter whose gradient was never computed
   * counts as a zero gradient), advances the step and zeroes the gradients.
   *
   * <p>Call it with no {@code GradientCollector} open: it changes the parameters in place. Under mixed precision
   * the gradients are those of the FP16 copies, of the loss times {@link #lossScale()}; a step whose gradients
   * are not finite is skipped (see the class comment) and {@link #lastStepSkipped()} says so.
   *
   * @throws IllegalStateException when the global gradient norm is NaN or infinite (under mixed precision: still
   *     at the smallest loss scale): then the parameters, the moments and the step are left as they were, the
   *     gradients are zeroed (so the caller may skip the batch), and the message names the step and the first
   *     parameter whose gradient is not finite
   */
  public void step() {
    checkState(!closed, "optimizer is closed");
    lastStepSkipped = false;
    try (NDManager scratch = manager.newSubManager()) {
      // Results of operations (and the scalars DJL makes for scalar operands) land in the scratch manager.
      scratch.tempAttachAll(firstMoments, secondMoments, work);
      List<Slot> live = new ArrayList<>(slots.size());
      List<Slot> frozen = new ArrayList<>();
      List<NDArray> grads = new ArrayList<>(slots.size());
      for (Slot slot : slots) {
        NDArray source = slot.forwardArray();
        if (!source.hasGradient()) {
          frozen.add(slot);
          continue;
        }
        // Each getGradient() call makes a new handle attached to the array's manager: move it to ours.
        NDArray g = source.getGradient();
        g.attach(scratch);
        scratch.tempAttachAll(slot.parameter.getArray(), slot.work);
        if (slot.half != null) {
          scratch.tempAttachAll(slot.half);
        }
        // An FP16 gradient is widened to FP32 by the copy.
        slot.work.set(ALL, g);
        // Zeroed while it is in cache: g − g is 0 for a finite gradient; a non-finite one is cleared below.
        g.subi(g);
        live.add(slot);
        grads.add(g);
      }
      if (live.isEmpty()) {
        lastGradNorm = 0.0;
        stepCount++;
        return;
      }
      // A parameter without a gradient is left as it is: no gradient in the norm, moments restored below.
      List<NDArray> frozenMoments = new ArrayList<>();
      for (Slot slot : frozen) {
        scratch.tempAttachAll(slot.work, slot.m, slot.v);
        slot.work.set(ALL, 0f);
        frozenMoments.add(slot.m.duplicate());
        frozenMoments.add(slot.v.duplicate());
      }
      // The norm of the scaled gradients; the scale is a power of two, so dividing by it is exact.
      double scale = lossScale == null ? 1 : lossScale.scale();
      double norm = work.norm().getFloat() / scale;
      lastGradNorm = norm;
      if (!Double.isFinite(norm)) {
        if (lossScale != null && lossScale.canBackOff()) {
          // An FP16 overflow: nothing moves (the moments of frozen parameters were not touched either).
          grads.forEach(g -> g.set(ALL, 0f));
          lossScale = lossScale.afterOverflow();
          lastStepSkipped = true;
          stepCount++;
          return;
        }
        String culprit = live.get(firstNonFinite(normsOf(live))).name;
        grads.forEach(g -> g.set(ALL, 0f));
        throw new IllegalStateException(String.format(
            "gradient norm is %s at step %d (first non-finite gradient: %s)%s; parameters and moments are"
                + " unchanged, gradients were zeroed", norm, stepCount, culprit,
            lossScale == null ? "" : " even with the loss unscaled"));
      }
      double clipScale = norm > clipNorm ? clipNorm / norm : 1.0;
      update(scratch, live, clipScale / scale, peakLearningRate * schedule.factor(stepCount));
      for (int i = 0; i < frozen.size(); i++) {
        frozen.get(i).m.set(ALL, frozenMoments.get(2 * i));
        frozen.get(i).v.set(ALL, frozenMoments.get(2 * i + 1));
      }
      if (lossScale != null) {
        lossScale = lossScale.afterFiniteStep();
      }
    }
    stepCount++;
  }

  /**
   * The update of the class comment, run by run, then each parameter decayed and moved by its slice of the work
   * buffer. The arithmetic is rearranged as (1 − β1)·(g + m·β1/(1 − β1)) for m, and the decoupled decay
   * p·(1 − lr·wd) before p −= (lr/c1)·m / (sqrt(v)/c2 + ε), where c1 and c2 are the bias corrections (1 without
   * them). {@code gradScale} is the clipping factor divided by the loss scale. The square root and the division
   * are their own operations, not powers: DJL passes a scalar exponent as an array, which sends libtorch to its
   * general element-wise pow, several times slower on a CPU. Under mixed precision each FP16 copy is refreshed
   * from its updated FP32 parameter.
   */
  private void update(NDManager scratch, List<Slot> live, double gradScale, double baseRate) {
    double c1 = 1;
    double c2 = 1;
    if (biasCorrection) {
      int t = stepCount + 1;
      c1 = 1 - Math.pow(beta1, t);
      c2 = Math.sqrt(1 - Math.pow(beta2, t));
    }
    for (Run run : runs) {
      NDArray m = run.m();
      NDArray v = run.v();
      NDArray w = run.work();
      scratch.tempAttachAll(m, v, w);
      if (gradScale != 1.0) {
        w.muli(gradScale);
      }
      m.muli(beta1 / (1 - beta1)).addi(w).muli(1 - beta1);
      w.muli(w).muli(1 - beta2);
      v.muli(beta2).addi(w);
      try (NDArray denominator = v.sqrt()) {
        if (c2 != 1) {
          denominator.divi(c2);
        }
        denominator.addi(epsilon);
        // Not copyTo(): DJL copies through a host ByteBuffer, a round trip through Java.
        w.set(ALL, m);
        w.divi(denominator).muli(baseRate * run.layerScale() / c1);
      }
    }
    for (Slot slot : live) {
      NDArray p = slot.parameter.getArray();
      if (slot.decayed && weightDecay != 0) {
        double rate = baseRate * slot.layerScale;
        p.muli(1 - rate * weightDecay);
      }
      p.subi(slot.work);
      if (slot.half != null) {
        slot.half.set(ALL, p);
      }
    }
  }

  /** Each parameter's gradient norm, for naming the culprit of a non-finite total. */
  private static float[] normsOf(List<Slot> live) {
    float[] norms = new float[live.size()];
    for (int i = 0; i < norms.length; i++) {
      norms[i] = live.get(i).work.norm().getFloat();
    }
    return norms;
  }

  private static int firstNonFinite(float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        return i;
      }
    }
    // The float sums were finite but their double total was not: blame the largest.
    int largest = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[largest]) {
        largest = i;
      }
    }
    return largest;
  }

  /** The number of updates made so far: the 0-based index of the next update. */
  public int stepCount() {
    return stepCount;
  }

  /** The rate the next update uses before the layer-wise factor: {@code peak · schedule.factor(stepCount())}. */
  public float learningRate() {
    return (float) (peakLearningRate * schedule.factor(stepCount));
  }

  /**
   * The rate the next update applies to one parameter: {@code peak · schedule.factor(stepCount()) ·
   * α^(top − depth)}.
   *
   * @throws IllegalArgumentException for a name this optimizer does not update
   */
  public float learningRate(String parameterName) {
    Slot slot = slotsByName.get(parameterName);
    checkArgument(slot != null, "no parameter named %s in this optimizer", parameterName);
    return (float) (peakLearningRate * schedule.factor(stepCount) * slot.layerScale);
  }

  /**
   * The global gradient norm the last {@link #step()} measured, before clipping; NaN before the first step and
   * after {@link #loadState(OptimizerState)}.
   */
  public double lastGradNorm() {
    return lastGradNorm;
  }

  /** Whether mixed precision is on: FP16 copies for the forward pass and a dynamic loss scale. */
  public boolean mixedPrecision() {
    return lossScale != null;
  }

  /** The factor the next step's loss is to be multiplied by before its backward pass; 1 without mixed precision. */
  public double lossScale() {
    return lossScale == null ? 1 : lossScale.scale();
  }

  /**
   * {@code loss} times {@link #lossScale()}, for the backward pass; {@code loss} itself without mixed precision.
   * The product stays in the loss's type (FP32).
   */
  public NDArray scaleLoss(NDArray loss) {
    if (lossScale == null) {
      return loss;
    }
    return loss.mul(Scalars.of(loss, (float) lossScale.scale()));
  }

  /** Whether the last {@link #step()} was skipped because the scaled gradients overflowed. */
  public boolean lastStepSkipped() {
    return lastStepSkipped;
  }

  /**
   * The store the forward pass reads the parameters through: under mixed precision it gives the FP16 copies of
   * the parameters that have one, and the parameters themselves otherwise. Use a store from here for the training
   * forward pass; evaluation may read the FP32 parameters directly.
   */
  public ParameterStore parameterStore(NDManager storeManager) {
    if (halfCopies.isEmpty()) {
      return new ParameterStore(storeManager, false);
    }
    return new ParameterStore(storeManager, false) {
      @Override
      public NDArray getValue(Parameter parameter, Device device, boolean training) {
        NDArray half = parameter == null ? null : halfCopies.get(parameter.getId());
        return half != null ? half : super.getValue(parameter, device, training);
      }
    };
  }

  /** How depths were assigned (the number of layers given or inferred). */
  public LayerDepth layerDepth() {
    return layerDepth;
  }

  /** The names of the parameters this optimizer updates, in update order. */
  public List<String> parameterNames() {
    return slotsByName.keySet().asList();
  }

  /**
   * A copy of the step count and the moments, for a checkpoint: {@code m/<parameter>} and {@code v/<parameter>}
   * for each parameter in order.
   */
  public OptimizerState state() {
    checkState(!closed, "optimizer is closed");
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (Slot slot : slots) {
      tensors.put(OptimizerState.firstMomentName(slot.name), new HostTensor(slot.shape, slot.m.toFloatArray()));
      tensors.put(OptimizerState.secondMomentName(slot.name),
          new HostTensor(slot.shape, slot.v.toFloatArray()));
    }
    return new OptimizerState(stepCount, tensors, lossScale);
  }

  /**
   * Restores a {@link #state()} taken from an optimizer over the same parameters, so that training continues
   * exactly as if it had not stopped. The parameter values are restored separately, with the model, and
   * <em>before</em> this call: under mixed precision the FP16 copies are made again from them here.
   *
   * <p>Everything is checked before anything changes.
   *
   * @throws IllegalArgumentException naming the tensor, when one is missing, unexpected or of the wrong shape;
   *     or when the state has a loss scale and this optimizer no mixed precision, or the other way round
   */
  public void loadState(OptimizerState state) {
    checkState(!closed, "optimizer is closed");
    requireNonNull(state, "state");
    checkArgument((state.lossScale() != null) == mixedPrecision(),
        "the optimizer state has %s loss scale but this optimizer is %s mixed precision",
        state.lossScale() != null ? "a" : "no", mixedPrecision() ? "in" : "not in");
    Map<String, HostTensor> tensors = state.tensors();
    Set<String> expected = new LinkedHashSet<>();
    for (Slot slot : slots) {
      for (String name : List.of(OptimizerState.firstMomentName(slot.name),
          OptimizerState.secondMomentName(slot.name))) {
        expected.add(name);
        HostTensor t = tensors.get(name);
        checkArgument(t != null, "optimizer state has no tensor %s", name);
        checkArgument(Arrays.equals(t.shape(), slot.shape),
            "optimizer state tensor %s has shape %s but parameter %s has shape %s", name, t.shapeString(),
            slot.name, Arrays.toString(slot.shape));
      }
    }
    for (String name : tensors.keySet()) {
      checkArgument(expected.contains(name),
          "optimizer state has unexpected tensor %s (this optimizer has no parameter for it)", name);
    }
    // Copied in place a chunk at a time: the moments stay in libtorch's memory, none in the JVM's direct memory.
    ArrayUpload upload = new ArrayUpload();
    for (Slot slot : slots) {
      upload.copy(tensors.get(OptimizerState.firstMomentName(slot.name)).values(), slot.m);
      upload.copy(tensors.get(OptimizerState.secondMomentName(slot.name)).values(), slot.v);
      if (slot.half != null) {
        slot.half.set(ALL, slot.parameter.getArray());
      }
    }
    stepCount = state.stepCount();
    lossScale = state.lossScale();
    lastGradNorm = Double.NaN;
    lastStepSkipped = false;
  }

  /** The manager holding the moments; for tests that check memory stays flat. */
  NDManager manager() {
    return manager;
  }

  /** Frees the moments and the FP16 copies. The parameters are not touched. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }

  /**
   * Builds a {@link LegacyLayerwiseLrOptimizer}. Required: {@link #setParameters}, {@link #setLearningRate}, {@link
   * #setTotalSteps}; everything else defaults to BERT's and BAM's values. Values are checked in {@link #build()}.
   */
  public static final class Builder {
    private Map<String, Parameter> parameters;
    private Double learningRate;
    private Integer totalSteps;
    private double layerDecay = OptimizerSettings.BERT.layerDecay();
    private double beta1 = OptimizerSettings.BERT.beta1();
    private double beta2 = OptimizerSettings.BERT.beta2();
    private double epsilon = OptimizerSettings.BERT.epsilon();
    private double weightDecay = OptimizerSettings.BERT.weightDecay();
    private double clipNorm = OptimizerSettings.BERT.clipNorm();
    private Double warmupFraction;
    private LearningRateSchedule schedule;
    private Integer numLayers;
    private boolean biasCorrection;
    private @Nullable Set<String> halfPrecision;
    private LossScale lossScale = LossScale.INITIAL;

    private Builder() {}

    /**
     * The trainable parameters by HuggingFace-style name, in a stable order (the order of the saved state). Each
     * must be initialized and FLOAT32. The map is copied.
     */
    public Builder setParameters(Map<String, Parameter> parameters) {
      this.parameters = new LinkedHashMap<>(requireNonNull(parameters, "parameters"));
      return this;
    }

    /** The peak learning rate (the rate of the task heads at the end of warmup). */
    public Builder setLearningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /** The number of updates in the run: where the default schedule reaches 0. */
    public Builder setTotalSteps(int totalSteps) {
      this.totalSteps = totalSteps;
      return this;
    }

    /** The layer-wise factor α in (0, 1], default 0.9; 1.0 gives every parameter the same rate. */
    public Builder optLayerDecay(double layerDecay) {
      this.layerDecay = layerDecay;
      return this;
    }

    /** Adam's β1 in [0, 1), default 0.9. */
    public Builder optBeta1(double beta1) {
      this.beta1 = beta1;
      return this;
    }

    /** Adam's β2 in [0, 1), default 0.999. */
    public Builder optBeta2(double beta2) {
      this.beta2 = beta2;
      return this;
    }

    /** Adam's ε, added to sqrt(v), default 1e-6 (BERT's value, not PyTorch's 1e-8). */
    public Builder optEpsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /** Decoupled weight decay, default 0.01; 0 turns it off. */
    public Builder optWeightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /** The global gradient-norm limit, default 1.0; {@code Double.POSITIVE_INFINITY} turns clipping off. */
    public Builder optClipNorm(double clipNorm) {
      this.clipNorm = clipNorm;
      return this;
    }

    /** The warmup share of the default schedule, in [0, 1), default 0.1. */
    public Builder optWarmupFraction(double warmupFraction) {
      this.warmupFraction = warmupFraction;
      return this;
    }

    /**
     * Replaces the default schedule ({@link LearningRateSchedule#linearWarmupDecay} over {@code totalSteps}), for
     * example by {@link LearningRateSchedule#constant()}. Cannot be combined with {@link #optWarmupFraction}.
     */
    public Builder optSchedule(LearningRateSchedule schedule) {
      this.schedule = requireNonNull(schedule, "schedule");
      return this;
    }

    /**
     * The number of transformer layers {@code L}; by default inferred from the names as one more than the largest
     * {@code i} in {@code encoder.layer.<i>.…} (give it when, for example, the top layers are frozen).
     */
    public Builder optNumLayers(int numLayers) {
      this.numLayers = numLayers;
      return this;
    }

    /** Adam's bias correction; default false, as in BERT. */
    public Builder optBiasCorrection(boolean biasCorrection) {
      this.biasCorrection = biasCorrection;
      return this;
    }

    /**
     * Turns on mixed precision (see the class comment): the named parameters get FP16 copies that the forward
     * pass reads through {@link LegacyLayerwiseLrOptimizer#parameterStore}, and the loss is scaled dynamically. The
     * blocks that read those parameters must accept FP16 weights (the encoder's {@code Dense} layers do; {@code
     * MultiTaskModel.fp16Parameters()} names them). Freeze a parameter before building: a copy requires a
     * gradient when its parameter does at that moment.
     *
     * <p>Meant for GPUs: through DJL 0.36 FP16 arithmetic on a CPU is about a thousand times slower than FP32.
     */
    public Builder optMixedPrecision(Collection<String> fp16Parameters) {
      this.halfPrecision = new LinkedHashSet<>(requireNonNull(fp16Parameters, "fp16Parameters"));
      return this;
    }

    /** The loss scale mixed precision starts from; default {@link LossScale#INITIAL} (2^16). */
    public Builder optLossScale(LossScale initial) {
      this.lossScale = requireNonNull(initial, "initial");
      return this;
    }

    /**
     * Checks every value and allocates the moments.
     *
     * @throws IllegalArgumentException naming the first bad value or parameter
     */
    public LegacyLayerwiseLrOptimizer build() {
      checkArgument(parameters != null, "parameters are required: call setParameters");
      checkArgument(!parameters.isEmpty(), "parameters must not be empty");
      checkArgument(learningRate != null, "learningRate is required: call setLearningRate");
      checkArgument(learningRate > 0 && Double.isFinite(learningRate),
          "learningRate must be positive and finite, got %s", learningRate);
      checkArgument(totalSteps != null, "totalSteps is required: call setTotalSteps");
      checkArgument(totalSteps >= 1, "totalSteps must be >= 1, got %s", totalSteps);
      checkArgument(layerDecay > 0 && layerDecay <= 1, "layerDecay must be in (0, 1], got %s", layerDecay);
      checkArgument(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got %s", beta1);
      checkArgument(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got %s", beta2);
      checkArgument(epsilon > 0 && Double.isFinite(epsilon), "epsilon must be positive and finite, got %s",
          epsilon);
      checkArgument(weightDecay >= 0 && Double.isFinite(weightDecay),
          "weightDecay must be >= 0 and finite, got %s", weightDecay);
      checkArgument(clipNorm > 0, "clipNorm must be positive (or +Infinity for no clipping), got %s", clipNorm);
      checkArgument(schedule == null || warmupFraction == null,
          "warmupFraction %s applies only to the default schedule, but optSchedule was also given",
          warmupFraction);
      double warmup = warmupFraction == null ? 0.1 : warmupFraction;
      checkArgument(warmup >= 0 && warmup < 1, "warmupFraction must be in [0, 1), got %s", warmup);
      for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
        String name = requireNonNull(e.getKey(), "parameter name");
        checkArgument(e.getValue() != null, "parameter %s is null", name);
        checkArgument(e.getValue().isInitialized(), "parameter %s is not initialized", name);
        DataType type = e.getValue().getArray().getDataType();
        checkArgument(type == DataType.FLOAT32, "parameter %s is %s; only FLOAT32 is supported", name, type);
      }
      if (halfPrecision != null) {
        for (String name : halfPrecision) {
          checkArgument(parameters.containsKey(name), "mixed precision names %s, which is not among the parameters",
              name);
        }
      }
      LayerDepth depth = numLayers == null ? LayerDepth.inferredFrom(parameters.keySet())
          : new LayerDepth(numLayers);
      // Fails here, naming the parameter, for an encoder name that fits no layer.
      parameters.keySet().forEach(depth::depth);
      LearningRateSchedule chosen =
          schedule != null ? schedule : LearningRateSchedule.linearWarmupDecay(totalSteps, warmup);
      return new LegacyLayerwiseLrOptimizer(this, depth, chosen);
    }
  }
}
