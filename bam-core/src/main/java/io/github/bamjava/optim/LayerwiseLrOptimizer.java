package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.github.bamjava.runtime.TorchEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * AdamW as BERT and BAM train with it, with layer-wise learning rates: at 0-based step {@code t} every parameter
 * {@code p} moves by {@code AdamW}'s update at rate {@code peak · schedule.factor(t) · α^(top − depth(p))}, after
 * the gradients were clipped to a global norm. Everything but the parameters and the run's length comes from one
 * {@link OptimizerSettings}; depths come from {@link LayerDepth} (embeddings deepest, task heads on top at factor 1).
 *
 * <p>It is composed of small parts, each readable alone: {@code AdamW} (the update), {@code LayerScales} (the
 * layer-wise factors), {@code GradientClipping} (the global norm), {@code MasterWeights} (mixed precision) and
 * {@code FlatBuffers} (the moments in three flat buffers, so that a step is a dozen long operations rather than
 * sixteen per parameter), saved as named tensors by {@code SavedMoments}.
 *
 * <p><b>Mixed precision</b> ({@link MixedPrecision}, which says how): the forward pass reads FP16 copies through
 * {@link #parameterStore}, the loss is multiplied by {@link #lossScale()} before the backward pass ({@link
 * #scaleLoss}), and a step whose gradients are not finite is skipped ({@link #lastStepSkipped()}). Why not DJL's
 * {@code Optimizer}: its AdamW has one weight decay for all parameters, its {@code clipGrad} clamps each element
 * rather than the global norm, it sees parameters by id rather than name, and it has no state to save.
 *
 * <p>Use: after each backward pass, with the {@code GradientCollector} closed, call {@link #step()}; it zeroes
 * every gradient it read, so several backward passes before one step accumulate. The moments live in a manager
 * owned by this optimizer ({@link #close()} frees them); a step's temporaries live in a sub-manager closed before
 * {@code step()} returns, so memory stays flat over a run. Not thread-safe.
 */
public final class LayerwiseLrOptimizer implements AutoCloseable {

  private final NDManager manager;
  private final double peakLearningRate;
  private final LearningRateSchedule schedule;
  private final LayerScales scales;
  private final GradientClipping clipping;
  private final AdamW adamW;
  private final FlatBuffers buffers;
  /** Null without mixed precision. */
  private final @Nullable MasterWeights master;

  private int stepCount;
  private boolean lastStepSkipped;
  private double lastGradNorm = Double.NaN;
  private boolean closed;

  /**
   * Checks the parameters and allocates the moments (and, under mixed precision, the FP16 copies). {@link
   * OptimizerSettings#create} makes the common one: FP32, with the number of layers inferred from the names.
   *
   * @param settings every value of the update, and the schedule, which is made for {@code totalSteps}
   * @param parameters the trainable parameters by HuggingFace-style name, in a stable order (the order of the saved
   *     state); each initialized and FLOAT32; copied
   * @param totalSteps the number of updates in the run, {@code >= 1}
   * @param depth how depths are assigned (give the number of layers when, for example, the top layers are frozen)
   * @param mixedPrecision FP16 copies and the initial loss scale, or null for FP32 training; freeze a parameter
   *     before this call: a copy requires a gradient when its parameter does now
   * @throws IllegalArgumentException naming the first bad value or parameter
   */
  public LayerwiseLrOptimizer(OptimizerSettings settings, Map<String, Parameter> parameters, int totalSteps,
      LayerDepth depth, @Nullable MixedPrecision mixedPrecision) {
    requireNonNull(settings, "settings");
    FlatBuffers.checkParameters(requireNonNull(parameters, "parameters"));
    checkArgument(totalSteps >= 1, "totalSteps must be >= 1, got %s", totalSteps);
    Map<String, Parameter> copy = new LinkedHashMap<>(parameters);
    this.scales = new LayerScales(depth, settings.layerDecay(), copy.keySet());
    this.peakLearningRate = settings.learningRate();
    this.schedule = settings.schedule().forSteps(totalSteps);
    this.clipping = new GradientClipping(settings.clipNorm());
    this.adamW = new AdamW(settings);
    this.manager = TorchEngine.newManager(copy.values().iterator().next().getArray().getDevice());
    try {
      this.buffers = new FlatBuffers(copy, scales, manager);
      this.master = mixedPrecision == null ? null : new MasterWeights(mixedPrecision, copy, manager);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Whether weight decay applies to a parameter: not to normalisation parameters nor to biases (names ending in
   * {@code .bias}), as in BERT, since pulling a normalisation gain or an offset towards 0 is not regularisation but
   * distortion.
   */
  public static boolean appliesWeightDecay(String parameterName) {
    return AdamW.appliesWeightDecay(parameterName);
  }

  /**
   * Makes one update of every parameter that requires a gradient (a parameter whose gradient was never computed
   * counts as a zero gradient), advances the step and zeroes the gradients.
   *
   * <p>Call it with no {@code GradientCollector} open: it changes the parameters in place.
   *
   * @throws IllegalStateException when the global gradient norm is NaN or infinite (under mixed precision: still
   *     at the smallest loss scale): then the parameters, the moments and the step are left as they were, the
   *     gradients are zeroed (so the caller may skip the batch), and the message names the step and the first
   *     parameter whose gradient is not finite
   */
  public void step() {
    checkState(!closed, "optimizer is closed");
    lastStepSkipped = false;
    try (NDManager scratch = buffers.newScratch()) {
      FlatBuffers.Gathered gathered = buffers.gather(scratch, this::forwardArray);
      if (gathered.live().isEmpty()) {
        lastGradNorm = 0.0;
        stepCount++;
        return;
      }
      // A parameter without a gradient is left as it is: no gradient in the norm, its moments restored below.
      List<NDArray> held = buffers.hold(scratch, gathered.frozen());
      double scale = lossScale();
      double norm = GradientClipping.norm(buffers.gradients(), scale);
      lastGradNorm = norm;
      if (!Double.isFinite(norm)) {
        gathered.zeroGradients();
        if (master != null && master.backOff()) {
          // An FP16 overflow: nothing moves (the moments of frozen parameters were not touched either).
          lastStepSkipped = true;
          stepCount++;
          return;
        }
        throw GradientClipping.diverged(norm, stepCount, gathered.live(), master != null);
      }
      adamW.update(scratch, buffers, gathered.live(), clipping.factor(norm) / scale,
          peakLearningRate * schedule.factor(stepCount), stepCount);
      FlatBuffers.restore(gathered.frozen(), held);
      if (master != null) {
        master.refresh(gathered.live().stream().map(FlatBuffers.Slot::name).toList());
        master.finiteStep();
      }
    }
    stepCount++;
  }

  private NDArray forwardArray(FlatBuffers.Slot slot) {
    return master == null ? slot.parameter().getArray() : master.forwardArray(slot.name());
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
    Double scale = scales.of(parameterName);
    checkArgument(scale != null, "no parameter named %s in this optimizer", parameterName);
    return (float) (peakLearningRate * schedule.factor(stepCount) * scale);
  }

  /** The gradient norm the last {@link #step()} measured, before clipping; NaN before it, and after a restore. */
  public double lastGradNorm() {
    return lastGradNorm;
  }

  /** Whether mixed precision is on: FP16 copies for the forward pass and a dynamic loss scale. */
  public boolean mixedPrecision() {
    return master != null;
  }

  /** The factor the next step's loss is to be multiplied by before its backward pass; 1 without mixed precision. */
  public double lossScale() {
    return master == null ? 1 : master.lossScale().scale();
  }

  /**
   * {@code loss} times {@link #lossScale()}, for the backward pass; {@code loss} itself without mixed precision.
   * The product stays in the loss's type (FP32).
   */
  public NDArray scaleLoss(NDArray loss) {
    return master == null ? loss : master.scaleLoss(loss);
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
    return master == null ? new ParameterStore(storeManager, false) : master.parameterStore(storeManager);
  }

  /** How depths were assigned (the number of layers given or inferred). */
  public LayerDepth layerDepth() {
    return scales.depth();
  }

  /** The names of the parameters this optimizer updates, in update order. */
  public List<String> parameterNames() {
    return scales.names();
  }

  /**
   * A copy of the step count and the moments, for a checkpoint: {@code m/<parameter>} and {@code v/<parameter>}
   * for each parameter in order, and the loss scale under mixed precision.
   */
  public OptimizerState state() {
    checkState(!closed, "optimizer is closed");
    return new OptimizerState(stepCount, SavedMoments.copy(buffers.slots()),
        master == null ? null : master.lossScale());
  }

  /**
   * {@link #state()} with the moments read where they lie instead of copied: what a checkpoint writes, without
   * ~180 MB of MiniLM's moments passing through the Java heap. The views read the moments when they are read, so
   * use the state before the next {@link #step()}, {@link #loadState} or {@link #close()}.
   */
  public OptimizerState stateView() {
    checkState(!closed, "optimizer is closed");
    return new OptimizerState(stepCount, SavedMoments.views(buffers.slots()),
        master == null ? null : master.lossScale());
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
    SavedMoments.check(buffers.slots(), state.tensors());
    SavedMoments.load(buffers.slots(), state.tensors());
    if (master != null) {
      master.restore(state.lossScale());
    }
    stepCount = state.stepCount();
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
}
