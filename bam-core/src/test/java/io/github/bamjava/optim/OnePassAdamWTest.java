package io.github.bamjava.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import io.github.bamjava.runtime.TorchThreads;
import io.github.bamjava.testing.EngineManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EngineManager.class)
class OnePassAdamWTest {

  private NDManager manager;

  /** Parameter names and sizes: decayed and not, three layer-wise factors, one spanning several chunks. */
  private static final Map<String, Shape> SHAPES = new LinkedHashMap<>();

  static {
    SHAPES.put("embeddings.word_embeddings.weight", new Shape(3 * OnePassAdamW.CHUNK + 5));
    SHAPES.put("encoder.layer.0.attention.output.LayerNorm.weight", new Shape(16));
    SHAPES.put("encoder.layer.1.intermediate.dense.weight", new Shape(16, 8));
    SHAPES.put("heads.t.bias", new Shape(3));
  }

  @Test
  void onePassGivesTheOperationsUpdateOverSeveralSteps() {
    for (boolean biasCorrection : new boolean[] {false, true}) {
      OptimizerSettings bert = OptimizerSettings.BERT;
      OptimizerSettings settings = new OptimizerSettings(bert.learningRate(), bert.layerDecay(), bert.weightDecay(),
          bert.clipNorm(), bert.beta1(), bert.beta2(), bert.epsilon(), biasCorrection, bert.schedule());
      AdamW adamW = new AdamW(settings);
      FlatBuffers viaOperations = buffers(7);
      FlatBuffers onePass = buffers(7);
      Random random = new Random(11);
      for (int step = 0; step < 4; step++) {
        double gradScale = step == 2 ? 0.37 : 1.0; // a clipped step
        double rate = 1e-3 * (step + 1);
        for (int s = 0; s < viaOperations.slots().size(); s++) {
          float[] g = new float[(int) viaOperations.slots().get(s).work().size()];
          for (int i = 0; i < g.length; i++) {
            g[i] = (float) random.nextGaussian() * (s + 1);
          }
          for (FlatBuffers buffers : List.of(viaOperations, onePass)) {
            FlatBuffers.Slot slot = buffers.slots().get(s);
            slot.work().set(FlatBuffers.ALL, manager.create(g, slot.work().getShape()));
          }
        }
        double c1 = biasCorrection ? 1 - Math.pow(settings.beta1(), step + 1) : 1;
        double c2 = biasCorrection ? Math.sqrt(1 - Math.pow(settings.beta2(), step + 1)) : 1;
        try (NDManager scratch = viaOperations.newScratch()) {
          adamW.updateWithOperations(scratch, viaOperations, viaOperations.slots(), gradScale, rate, c1, c2);
        }
        assertThat(OnePassAdamW.serves(onePass.slots())).isTrue();
        try (NDManager scratch = onePass.newScratch()) {
          adamW.update(scratch, onePass, onePass.slots(), gradScale, rate, step);
        }
      }
      for (int s = 0; s < onePass.slots().size(); s++) {
        FlatBuffers.Slot a = viaOperations.slots().get(s);
        FlatBuffers.Slot b = onePass.slots().get(s);
        String what = a.name() + (biasCorrection ? ", bias correction" : "");
        assertClose(b.parameter().getArray().toFloatArray(), a.parameter().getArray().toFloatArray(), what);
        assertClose(b.m().toFloatArray(), a.m().toFloatArray(), "m of " + what);
        assertClose(b.v().toFloatArray(), a.v().toFloatArray(), "v of " + what);
      }
    }
  }

  @Test
  void theBitsDoNotDependOnTheThreadCount() {
    AdamW adamW = new AdamW(OptimizerSettings.BERT);
    int before = TorchThreads.current();
    try {
      float[][] results = new float[2][];
      for (int threads = 1; threads <= 2; threads++) {
        TorchThreads.set(threads);
        FlatBuffers buffers = buffers(0.5f);
        Random random = new Random(5);
        for (int step = 0; step < 2; step++) {
          for (FlatBuffers.Slot slot : buffers.slots()) {
            float[] g = new float[(int) slot.work().size()];
            for (int i = 0; i < g.length; i++) {
              g[i] = (float) random.nextGaussian();
            }
            slot.work().set(FlatBuffers.ALL, manager.create(g, slot.work().getShape()));
          }
          try (NDManager scratch = buffers.newScratch()) {
            adamW.update(scratch, buffers, buffers.slots(), 1.0, 1e-3, step);
          }
        }
        results[threads - 1] = buffers.slots().get(0).parameter().getArray().toFloatArray();
      }
      assertThat(results[1]).isEqualTo(results[0]);
    } finally {
      TorchThreads.set(before);
    }
  }

  @Test
  void anArrayWhoseBufferIsACopyIsLeftToTheOperations() {
    NDArray contiguous = manager.arange(12f).reshape(3, 4);
    assertThat(OnePassAdamW.writesThrough(contiguous)).isTrue();
    assertThat(contiguous.toFloatArray()).containsExactly(manager.arange(12f).toFloatArray()); // put back
    // A transposed view's buffer is a contiguous copy: an update written there would be lost.
    assertThat(OnePassAdamW.writesThrough(contiguous.transpose())).isFalse();
  }

  /** Flat buffers over fresh parameters, all {@code init}, in the test's manager. */
  private FlatBuffers buffers(float init) {
    Map<String, Parameter> params = new LinkedHashMap<>();
    SHAPES.forEach((name, shape) -> {
      Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(shape)
          .optInitializer(new ConstantInitializer(init)).build();
      p.initialize(manager, DataType.FLOAT32);
      params.put(name, p);
    });
    LayerScales scales = new LayerScales(LayerDepth.inferredFrom(params.keySet()), 0.8, params.keySet());
    return new FlatBuffers(params, scales, manager);
  }

  private static void assertClose(float[] actual, float[] expected, String what) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("%s [%s]", what, i).isCloseTo(expected[i],
          within(1e-6f + 2e-6f * Math.abs(expected[i])));
    }
  }
}
