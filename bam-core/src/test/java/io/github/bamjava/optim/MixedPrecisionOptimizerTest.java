package io.github.bamjava.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import io.github.bamjava.testing.EngineManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The optimizer's mixed precision on a CPU, where FP16 is slow but correct: FP16 copies read by the forward pass,
 * FP32 master weights, the dynamic loss scale and its overflow handling.
 */
@ExtendWith(EngineManager.class)
class MixedPrecisionOptimizerTest {

  private static final String MATMUL = "encoder.layer.0.output.dense.weight";
  private static final String NORM = "encoder.layer.0.output.LayerNorm.weight";

  private NDManager manager;
  private Map<String, Parameter> params;

  @BeforeEach
  void setUp() {
    params = new LinkedHashMap<>();
    // 0.1 is not an FP16 number: the copy rounds it, the master keeps it.
    params.put(MATMUL, param(manager, MATMUL, new Shape(2, 2), 0.1f));
    params.put(NORM, param(manager, NORM, new Shape(2), 1f));
  }

  private TestOptimizer builder(Map<String, Parameter> parameters) {
    return new TestOptimizer(parameters).learningRate(0.01).totalSteps(10)
        .warmupFraction(0).layerDecay(1.0).weightDecay(0);
  }

  private LayerwiseLrOptimizer mixed(LossScale scale) {
    return builder(params).mixedPrecision(List.of(MATMUL), scale).build();
  }

  /**
   * loss = Σ w ⊙ c over the matmul weight as the store gives it (FP16 under mixed precision), widened to FP32,
   * plus Σ n ⊙ d over the LayerNorm weight. The gradients are c and d: powers of two, exact in FP16 at any scale
   * that does not overflow.
   */
  private void backward(Map<String, Parameter> parameters, ParameterStore store, LayerwiseLrOptimizer optimizer,
      float c, float d) {
    try (NDManager batch = manager.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray w = store.getValue(parameters.get(MATMUL), manager.getDevice(), true);
      NDArray n = store.getValue(parameters.get(NORM), manager.getDevice(), true);
      batch.tempAttachAll(w, n);
      NDArray wide = w.mul(batch.ones(new Shape(1), DataType.FLOAT32)); // FP16 × FP32 → FP32, differentiable
      NDArray loss = wide.mul(c).sum().add(n.mul(d).sum());
      gc.backward(optimizer.scaleLoss(loss));
    }
  }

  @Test
  void theForwardPassReadsFp16CopiesAndTheMastersMoveAsInFp32() {
    Map<String, Parameter> reference = new LinkedHashMap<>();
    reference.put(MATMUL, param(manager, MATMUL, new Shape(2, 2), 0.1f));
    reference.put(NORM, param(manager, NORM, new Shape(2), 1f));
    try (LayerwiseLrOptimizer fp16 = mixed(LossScale.of(1024));
        LayerwiseLrOptimizer fp32 = builder(reference).build()) {
      ParameterStore store = fp16.parameterStore(manager);
      NDArray copy = store.getValue(params.get(MATMUL), manager.getDevice(), true);
      assertThat(copy.getDataType()).isEqualTo(DataType.FLOAT16);
      assertThat(store.getValue(params.get(NORM), manager.getDevice(), true))
          .isSameAs(params.get(NORM).getArray());
      assertThat(fp16.mixedPrecision()).isTrue();
      assertThat(fp32.mixedPrecision()).isFalse();
      assertThat(fp32.lossScale()).isEqualTo(1.0);

      for (int step = 0; step < 3; step++) {
        backward(params, store, fp16, 0.5f, -0.25f);
        fp16.step();
        backward(reference, fp32.parameterStore(manager), fp32, 0.5f, -0.25f);
        fp32.step();
        // The unscaled gradient norm, the same in both.
        assertThat(fp16.lastGradNorm()).isEqualTo(fp32.lastGradNorm());
        assertThat(fp16.lastStepSkipped()).isFalse();
      }
      // FP32 masters: bit for bit the FP32 optimizer's parameters, since the unscaled gradients are the same.
      assertThat(values(params, MATMUL)).containsExactly(values(reference, MATMUL));
      assertThat(values(params, NORM)).containsExactly(values(reference, NORM));
      // The copy is the master rounded to FP16.
      float[] master = values(params, MATMUL);
      float[] rounded = params.get(MATMUL).getArray().toType(DataType.FLOAT16, true)
          .toType(DataType.FLOAT32, true).toFloatArray();
      float[] half = copy.toType(DataType.FLOAT32, true).toFloatArray();
      assertThat(half).containsExactly(rounded);
      for (int i = 0; i < master.length; i++) {
        assertThat(half[i]).isNotEqualTo(master[i]);
      }
      assertThat(fp16.lossScale()).isEqualTo(1024.0);
      assertThat(fp16.state().lossScale()).isEqualTo(new LossScale(1024, 3));
    }
  }

  @Test
  void anOverflowSkipsTheStepHalvesTheScaleAndZeroesTheGradients() {
    // 2^20 · 0.5 and 2^20 · 0.25 both exceed FP16's largest finite value, 65504.
    try (LayerwiseLrOptimizer optimizer = mixed(LossScale.of(1 << 20))) {
      ParameterStore store = optimizer.parameterStore(manager);
      float[] before = values(params, MATMUL);
      float[] normBefore = values(params, NORM);
      OptimizerState stateBefore = optimizer.state();

      backward(params, store, optimizer, 0.5f, -0.25f);
      optimizer.step();
      assertThat(optimizer.lastStepSkipped()).isTrue();
      assertThat(optimizer.lastGradNorm()).isInfinite();
      assertThat(optimizer.lossScale()).isEqualTo(1 << 19);
      assertThat(optimizer.stepCount()).isEqualTo(1);
      assertThat(values(params, MATMUL)).containsExactly(before);
      assertThat(values(params, NORM)).containsExactly(normBefore);
      assertThat(optimizer.state().tensors()).isEqualTo(stateBefore.tensors());
      NDArray copy = store.getValue(params.get(MATMUL), manager.getDevice(), true);
      assertThat(copy.getGradient().toType(DataType.FLOAT32, true).toFloatArray()).containsOnly(0f);

      // Halved until the gradients fit: 2^17 · 0.5 = 65536 still overflows, 2^16 · 0.5 = 32768 fits.
      for (int i = 0; i < 4; i++) {
        backward(params, store, optimizer, 0.5f, -0.25f);
        optimizer.step();
      }
      assertThat(optimizer.lossScale()).isEqualTo(1 << 16);
      assertThat(optimizer.lastStepSkipped()).isFalse();
      assertThat(optimizer.lastGradNorm()).isCloseTo(Math.sqrt(4 * 0.25 + 2 * 0.0625), within(1e-6));
      assertThat(values(params, MATMUL)).doesNotContain(before[0]);
      assertThat(optimizer.stepCount()).isEqualTo(5);
    }
  }

  @Test
  void anOverflowAtTheSmallestScaleIsAnError() {
    try (LayerwiseLrOptimizer optimizer = mixed(LossScale.of(1))) {
      ParameterStore store = optimizer.parameterStore(manager);
      float[] before = values(params, MATMUL);
      backward(params, store, optimizer, 1e5f, 1f); // 1e5 does not fit FP16 even unscaled
      assertThatThrownBy(optimizer::step)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("first non-finite gradient: " + MATMUL)
          .hasMessageContaining("even with the loss unscaled");
      assertThat(values(params, MATMUL)).containsExactly(before);
      assertThat(optimizer.stepCount()).isZero();
    }
  }

  @Test
  void restoredStateContinuesBitForBitWithItsLossScale() {
    Map<String, Parameter> copy = new LinkedHashMap<>();
    copy.put(MATMUL, param(manager, MATMUL, new Shape(2, 2), 0.1f));
    copy.put(NORM, param(manager, NORM, new Shape(2), 1f));
    try (LayerwiseLrOptimizer first = mixed(LossScale.of(1 << 17))) {
      ParameterStore store = first.parameterStore(manager);
      for (int step = 0; step < 3; step++) { // the first step overflows and lowers the scale to 2^16
        backward(params, store, first, 0.5f, -0.25f);
        first.step();
      }
      OptimizerState saved = first.state();
      assertThat(saved.lossScale()).isEqualTo(new LossScale(1 << 16, 2));
      try (LayerwiseLrOptimizer second = builder(copy).mixedPrecision(List.of(MATMUL)).build()) {
        // As a trainer resumes: the FP32 weights first, then the optimizer, which copies them to FP16.
        copy.get(MATMUL).getArray().set(values(params, MATMUL));
        copy.get(NORM).getArray().set(values(params, NORM));
        second.loadState(saved);
        assertThat(second.lossScale()).isEqualTo(1 << 16);
        assertThat(second.stepCount()).isEqualTo(3);
        ParameterStore secondStore = second.parameterStore(manager);
        assertThat(secondStore.getValue(copy.get(MATMUL), manager.getDevice(), true)
            .toType(DataType.FLOAT32, true).toFloatArray())
            .containsExactly(store.getValue(params.get(MATMUL), manager.getDevice(), true)
                .toType(DataType.FLOAT32, true).toFloatArray());
        for (int step = 0; step < 2; step++) {
          backward(params, store, first, 0.5f, 0.125f);
          first.step();
          backward(copy, secondStore, second, 0.5f, 0.125f);
          second.step();
        }
        assertThat(values(copy, MATMUL)).containsExactly(values(params, MATMUL));
        assertThat(values(copy, NORM)).containsExactly(values(params, NORM));
        assertThat(second.state().lossScale()).isEqualTo(first.state().lossScale());
      }
    }
  }

  @Test
  void aStateMustMatchTheOptimizersPrecision() {
    try (LayerwiseLrOptimizer fp16 = mixed(LossScale.INITIAL);
        LayerwiseLrOptimizer fp32 = builder(params).build()) {
      assertThatThrownBy(() -> fp16.loadState(fp32.state()))
          .hasMessageContaining("state has no loss scale but this optimizer is in mixed precision");
      assertThatThrownBy(() -> fp32.loadState(fp16.state()))
          .hasMessageContaining("state has a loss scale but this optimizer is not in mixed precision");
    }
    assertThatThrownBy(() -> builder(params).mixedPrecision(List.of("pooler.dense.weight")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pooler.dense.weight, which is not among the parameters");
  }

  @Test
  void theScaleGrowsAfterAnIntervalOfFiniteStepsAndStaysAPowerOfTwo() {
    LossScale s = LossScale.of(4);
    for (int i = 0; i < LossScale.GROWTH_INTERVAL - 1; i++) {
      s = s.afterFiniteStep();
    }
    assertThat(s).isEqualTo(new LossScale(4, LossScale.GROWTH_INTERVAL - 1));
    assertThat(s.afterFiniteStep()).isEqualTo(new LossScale(8, 0));
    assertThat(s.afterOverflow()).isEqualTo(new LossScale(2, 0));
    assertThat(LossScale.of(1).canBackOff()).isFalse();
    assertThatThrownBy(() -> LossScale.of(1).afterOverflow()).hasMessageContaining("already at its minimum");
    assertThatThrownBy(() -> LossScale.of(3)).hasMessageContaining("power of two >= 1.0, got 3.0");
    assertThatThrownBy(() -> LossScale.of(0.5)).hasMessageContaining("power of two >= 1.0, got 0.5");
  }

  private static Parameter param(NDManager manager, String id, Shape shape, float init) {
    Parameter p = Parameter.builder().setName(id).setType(Parameter.Type.WEIGHT).optShape(shape)
        .optInitializer(new ConstantInitializer(init)).build();
    p.initialize(manager, DataType.FLOAT32);
    return p;
  }

  private static float[] values(Map<String, Parameter> params, String name) {
    return params.get(name).getArray().toFloatArray();
  }
}
