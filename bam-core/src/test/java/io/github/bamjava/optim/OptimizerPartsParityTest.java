package io.github.bamjava.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import io.github.bamjava.encoder.Scalars;
import io.github.bamjava.testing.EngineManager;
import io.github.bamjava.weights.HostTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The optimizer made of parts against the one-class optimizer it replaced, kept here as {@link
 * LegacyLayerwiseLrOptimizer}: the same inputs must give the same bits, step after step, in every path of a step
 * (clipping, a frozen parameter, bias correction, mixed precision, a non-finite gradient).
 */
@ExtendWith(EngineManager.class)
class OptimizerPartsParityTest {

  private static final String MATMUL = "encoder.layer.1.output.dense.weight";
  private static final Map<String, Shape> SHAPES = new LinkedHashMap<>();

  static {
    SHAPES.put("heads.t.weight", new Shape(8, 2));
    SHAPES.put("embeddings.word_embeddings.weight", new Shape(50, 8));
    SHAPES.put("embeddings.LayerNorm.weight", new Shape(8));
    SHAPES.put("encoder.layer.0.attention.self.query.weight", new Shape(8, 8));
    SHAPES.put("encoder.layer.0.attention.self.query.bias", new Shape(8));
    SHAPES.put(MATMUL, new Shape(8, 8));
    SHAPES.put("pooler.dense.weight", new Shape(8, 8));
    SHAPES.put("heads.t.bias", new Shape(2));
    SHAPES.put("heads.frozen.weight", new Shape(3));
  }

  private NDManager manager;

  @ParameterizedTest
  @ValueSource(strings = {"clipped", "unclipped", "bias-corrected", "mixed"})
  void thePartsGiveTheBitsOfTheWhole(String variant) {
    Map<String, Parameter> ours = parameters();
    Map<String, Parameter> theirs = parameters();
    double clip = variant.equals("unclipped") ? Double.POSITIVE_INFINITY : 1.0;
    boolean corrected = variant.equals("bias-corrected");
    boolean mixed = variant.equals("mixed");
    OptimizerSettings settings = new OptimizerSettings(0.05, 0.8, 0.01, clip, 0.9, 0.999, 1e-6, corrected,
        RunSchedule.warmupLinearDecay(0.25));
    LegacyLayerwiseLrOptimizer.Builder legacy = LegacyLayerwiseLrOptimizer.builder().setParameters(theirs)
        .setLearningRate(0.05).setTotalSteps(8).optLayerDecay(0.8).optClipNorm(clip).optBiasCorrection(corrected)
        .optWarmupFraction(0.25).optNumLayers(2);
    if (mixed) {
      legacy.optMixedPrecision(List.of(MATMUL)).optLossScale(LossScale.of(1024));
    }
    try (LayerwiseLrOptimizer parts = new LayerwiseLrOptimizer(settings, ours, 8, new LayerDepth(2),
            mixed ? new MixedPrecision(Set.of(MATMUL), LossScale.of(1024)) : null);
        LegacyLayerwiseLrOptimizer whole = legacy.build()) {
      for (int step = 0; step < 6; step++) {
        if (step == 2) {
          ours.get("heads.frozen.weight").getArray().setRequiresGradient(false);
          theirs.get("heads.frozen.weight").getArray().setRequiresGradient(false);
        }
        float slope = step == 4 && !mixed ? Float.NaN : 1f;
        backward(ours, parts.parameterStore(manager), parts.lossScale(), step, slope);
        backward(theirs, whole.parameterStore(manager), whole.lossScale(), step, slope);
        Throwable a = catchThrowable(parts::step);
        Throwable b = catchThrowable(whole::step);
        assertThat(a == null ? null : a.getMessage()).as("step %s", step)
            .isEqualTo(b == null ? null : b.getMessage());
        assertThat(Double.doubleToLongBits(parts.lastGradNorm()))
            .isEqualTo(Double.doubleToLongBits(whole.lastGradNorm()));
        assertThat(parts.lossScale()).isEqualTo(whole.lossScale());
        assertThat(parts.stepCount()).isEqualTo(whole.stepCount());
        for (String name : SHAPES.keySet()) {
          assertThat(bits(ours.get(name).getArray().toFloatArray())).as("%s after step %s", name, step)
              .isEqualTo(bits(theirs.get(name).getArray().toFloatArray()));
        }
        OptimizerState s = parts.state();
        OptimizerState t = whole.state();
        assertThat(s.tensors().keySet()).containsExactlyElementsOf(t.tensors().keySet());
        for (Map.Entry<String, HostTensor> e : s.tensors().entrySet()) {
          assertThat(bits(e.getValue().values())).as(e.getKey())
              .isEqualTo(bits(t.tensors().get(e.getKey()).values()));
        }
        assertThat(s.lossScale()).isEqualTo(t.lossScale());
      }
    }
  }

  /** The same random values for every call. */
  private Map<String, Parameter> parameters() {
    Random random = new Random(42);
    Map<String, Parameter> params = new LinkedHashMap<>();
    SHAPES.forEach((name, shape) -> {
      Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(shape)
          .optInitializer(new ConstantInitializer(0f)).build();
      p.initialize(manager, DataType.FLOAT32);
      float[] values = new float[(int) shape.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextGaussian();
      }
      p.getArray().set(values);
      params.put(name, p);
    });
    return params;
  }

  /** loss = Σ_p Σ (c_p ⊙ p + 1.5 p²) · slope, with c_p fixed per parameter and step, read through the store. */
  private void backward(Map<String, Parameter> params, ParameterStore store, double lossScale, int step,
      float slope) {
    Random random = new Random(step);
    try (NDManager batch = manager.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray loss = null;
      for (Parameter p : params.values()) {
        NDArray x = store.getValue(p, manager.getDevice(), true);
        batch.tempAttachAll(x);
        NDArray wide = x.getDataType() == DataType.FLOAT32 ? x : x.mul(batch.ones(new Shape(1)));
        float[] c = new float[(int) wide.size()];
        for (int i = 0; i < c.length; i++) {
          c[i] = (float) random.nextGaussian();
        }
        NDArray term = wide.mul(batch.create(c, wide.getShape())).add(wide.mul(wide).mul(Scalars.of(wide, 1.5f)))
            .sum();
        loss = loss == null ? term : loss.add(term);
      }
      loss = loss.mul(Scalars.of(loss, slope)).mul(Scalars.of(loss, (float) lossScale));
      gc.backward(loss);
    }
  }

  private static int[] bits(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToRawIntBits(values[i]);
    }
    return bits;
  }
}
