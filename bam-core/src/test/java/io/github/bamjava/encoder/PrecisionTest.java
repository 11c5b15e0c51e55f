package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.bamjava.testing.EngineManager;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Differentiable casts, and the encoder run with FP16 copies of its Dense weights (on a CPU: slow, but correct). */
@ExtendWith(EngineManager.class)
class PrecisionTest {

  private NDManager manager;

  @Test
  void castsCarryTheGradientBothWays() {
    NDArray x = manager.create(new float[] {0.5f, -2f, 3f});
    x.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray half = Precision.cast(x.mul(Scalars.of(x, 2)), DataType.FLOAT16);
      assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
      NDArray back = Precision.cast(half.mul(half), DataType.FLOAT32);
      assertThat(back.getDataType()).isEqualTo(DataType.FLOAT32);
      gc.backward(back.sum());
    }
    // d/dx (2x)² = 8x, exact in FP16 for these values.
    assertThat(x.getGradient().toFloatArray()).containsExactly(4f, -16f, 24f);
    assertThat(Precision.cast(x, DataType.FLOAT32)).isSameAs(x);
  }

  @Test
  void withFp16DenseWeightsTheEncoderGivesFp32OutputsCloseToFp32() {
    BertEncoder encoder = TinyBert.create(manager, TinyBert.CONFIG, 3);
    Map<String, NDArray> halves = new HashMap<>();
    for (Parameter p : ParameterNames.of(encoder, Dense.class).values()) {
      halves.put(p.getId(), p.getArray().toType(DataType.FLOAT16, true));
    }
    assertThat(halves).hasSize(6 * 2 * 2 + 2); // weight and bias of 6 Dense in each of 2 layers, and the pooler
    ParameterStore fp16 = new ParameterStore(manager, false) {
      @Override
      public NDArray getValue(Parameter parameter, Device device, boolean training) {
        return halves.getOrDefault(parameter.getId(), super.getValue(parameter, device, training));
      }
    };
    NDList batch = TinyBert.batch(manager, new int[][] {{2, 5, 7, 9, 3}, {2, 9, 3}}, null);
    NDList exact = encoder.forward(new ParameterStore(manager, false), batch, false);
    NDList mixed = encoder.forward(fp16, batch, false);
    // The hidden states come from a LayerNorm, which stays FP32; the pooler's FP16 output is the caller's to widen.
    assertThat(mixed.get(0).getDataType()).isEqualTo(DataType.FLOAT32);
    assertThat(mixed.get(1).getDataType()).isEqualTo(DataType.FLOAT16);
    float diff = mixed.get(0).sub(exact.get(0)).abs().max().getFloat();
    assertThat(diff).isGreaterThan(0f).isLessThan(0.02f);
    float pooled = mixed.get(1).toType(DataType.FLOAT32, false).sub(exact.get(1)).abs().max().getFloat();
    assertThat(pooled).isLessThan(0.01f);
  }
}
