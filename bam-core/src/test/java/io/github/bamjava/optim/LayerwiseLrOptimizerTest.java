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
import ai.djl.training.initializer.ConstantInitializer;
import io.github.bamjava.encoder.Scalars;
import io.github.bamjava.testing.EngineManager;
import io.github.bamjava.weights.FloatTensor;
import io.github.bamjava.weights.HostTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EngineManager.class)
class LayerwiseLrOptimizerTest {

  private NDManager manager;

  // ---------------------------------------------------------------- learning rates

  @Test
  void learningRatePerParameterForATwelveLayerModel() {
    Map<String, Parameter> params = new LinkedHashMap<>();
    for (String name : List.of("embeddings.word_embeddings.weight", "encoder.layer.0.attention.self.query.weight",
        "encoder.layer.11.output.dense.weight", "encoder.layer.11.output.LayerNorm.bias", "pooler.dense.weight",
        "heads.mnli.weight", "heads.mnli.bias")) {
      params.put(name, param(name, 0f));
    }
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(1e-4).totalSteps(100)
        .warmupFraction(0).build()) {
      assertThat(opt.layerDepth().numLayers()).isEqualTo(12);
      // No warmup: factor(0) = 1, so these are peak * 0.9^(14 - depth).
      assertThat(opt.learningRate("heads.mnli.weight")).isEqualTo(1e-4f);
      assertThat(opt.learningRate("heads.mnli.bias")).isEqualTo(1e-4f);
      assertThat(opt.learningRate("pooler.dense.weight")).isCloseTo(9e-5f, within(1e-12f));
      assertThat(opt.learningRate("encoder.layer.11.output.dense.weight")).isCloseTo(8.1e-5f, within(1e-12f));
      assertThat(opt.learningRate("encoder.layer.11.output.LayerNorm.bias")).isCloseTo(8.1e-5f, within(1e-12f));
      // 0.9^13 = 0.2541865828329, 0.9^14 = 0.22876792454961
      assertThat(opt.learningRate("encoder.layer.0.attention.self.query.weight"))
          .isCloseTo(2.541865828329e-5f, within(1e-12f));
      assertThat(opt.learningRate("embeddings.word_embeddings.weight"))
          .isCloseTo(2.2876792454961e-5f, within(1e-12f));
      assertThatThrownBy(() -> opt.learningRate("heads.qqp.weight"))
          .hasMessageContaining("heads.qqp.weight");

      // At step 55 without warmup the schedule factor is (100 − 55)/100 = 0.45.
      opt.loadState(new OptimizerState(55, opt.state().tensors()));
      assertThat(opt.learningRate()).isCloseTo(4.5e-5f, within(1e-12f));
      assertThat(opt.learningRate("pooler.dense.weight")).isCloseTo(4.05e-5f, within(1e-12f));
    }
  }

  @Test
  void learningRateFollowsTheScheduleAndLayerDecayOneIsOff() {
    Map<String, Parameter> params = Map.of("embeddings.word_embeddings.weight", param("e", 0f),
        "encoder.layer.0.output.dense.weight", param("d", 0f));
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(2e-5).totalSteps(100).layerDecay(1.0)
        .build()) {
      // Default warmup 0.1: W = 10.
      assertThat(opt.learningRate()).isEqualTo(0f);
      opt.loadState(new OptimizerState(5, opt.state().tensors()));
      assertThat(opt.learningRate("embeddings.word_embeddings.weight")).isEqualTo(1e-5f);
      opt.loadState(new OptimizerState(55, opt.state().tensors()));
      assertThat(opt.learningRate("encoder.layer.0.output.dense.weight")).isEqualTo(1e-5f);
      opt.loadState(new OptimizerState(100, opt.state().tensors()));
      assertThat(opt.learningRate("embeddings.word_embeddings.weight")).isEqualTo(0f);
    }
  }

  // ---------------------------------------------------------------- the update

  @Test
  void weightDecaySkipsLayerNormAndBiases() {
    assertThat(LayerwiseLrOptimizer.appliesWeightDecay("encoder.layer.0.output.dense.weight")).isTrue();
    assertThat(LayerwiseLrOptimizer.appliesWeightDecay("heads.mnli.weight")).isTrue();
    assertThat(LayerwiseLrOptimizer.appliesWeightDecay("embeddings.word_embeddings.weight")).isTrue();
    assertThat(LayerwiseLrOptimizer.appliesWeightDecay("embeddings.LayerNorm.weight")).isFalse();
    assertThat(LayerwiseLrOptimizer.appliesWeightDecay("encoder.layer.0.output.LayerNorm.bias")).isFalse();
    assertThat(LayerwiseLrOptimizer.appliesWeightDecay("encoder.layer.0.output.dense.bias")).isFalse();
    assertThat(LayerwiseLrOptimizer.appliesWeightDecay("heads.mnli.bias")).isFalse();

    Map<String, Parameter> params = new LinkedHashMap<>();
    params.put("encoder.layer.0.output.dense.weight", param("w", 1f, -2f));
    params.put("encoder.layer.0.output.LayerNorm.weight", param("ln", 1f, -2f));
    params.put("encoder.layer.0.output.dense.bias", param("b", 1f, -2f));
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(0.1).totalSteps(10)
        .schedule(RunSchedule.constant()).layerDecay(1.0).build()) {
      // A zero gradient: m = v = 0, so update = 0 / (0 + ε) + wd·p = 0.01·p for the dense weight only.
      backward(params, ps -> weighted(ps.get(0), 0).add(weighted(ps.get(1), 0)).add(weighted(ps.get(2), 0)));
      opt.step();
      // p − lr·wd·p = p·(1 − 0.1·0.01) = p·0.999
      assertThat(values(params, "encoder.layer.0.output.dense.weight"))
          .containsExactly(new float[] {0.999f, -1.998f}, within(1e-7f));
      assertThat(values(params, "encoder.layer.0.output.LayerNorm.weight")).containsExactly(1f, -2f);
      assertThat(values(params, "encoder.layer.0.output.dense.bias")).containsExactly(1f, -2f);
      assertThat(opt.lastGradNorm()).isEqualTo(0.0);
    }
  }

  @Test
  void oneAdamStepMatchesTheHandComputedValue() {
    Map<String, Parameter> params = Map.of("heads.t.weight", param("w", 1f, 2f));
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(0.1).totalSteps(10).numLayers(1)
        .schedule(RunSchedule.constant()).build()) {
      // loss = 0.3·w0 − 0.4·w1: g = (0.3, −0.4), |g| = 0.5 < 1 so no clipping.
      NDArray c = manager.create(new float[] {0.3f, -0.4f});
      backward(params, ps -> ps.get(0).mul(c).sum());
      opt.step();
      assertThat(opt.lastGradNorm()).isCloseTo(0.5, within(1e-7));
      assertThat(opt.stepCount()).isEqualTo(1);
      // m = 0.1·g = (0.03, −0.04); v = 0.001·g² = (9e-5, 1.6e-4). The fused native update takes float
      // hyper-parameters (1 − 0.999f = 0.00099998713), hence tolerances at float precision.
      OptimizerState state = opt.state();
      assertThat(state.stepCount()).isEqualTo(1);
      assertThat(state.tensors().get("m/heads.t.weight").toFloatArray())
          .containsExactly(new float[] {0.03f, -0.04f}, within(1e-7f));
      assertThat(state.tensors().get("v/heads.t.weight").toFloatArray())
          .containsExactly(new float[] {9e-5f, 1.6e-4f}, within(1e-8f));
      // update = m / (sqrt(v) + 1e-6) + 0.01·p
      //   w0: 0.03 / (0.00948683298 + 1e-6) + 0.01 = 3.16194436197 + 0.01 = 3.17194436197
      //   w1: −0.04 / (0.01264911064 + 1e-6) + 0.02 = −3.16202767993 + 0.02 = −3.14202767993
      // p − 0.1·update = (0.682805563803, 2.314202767993)
      assertThat(values(params, "heads.t.weight"))
          .containsExactly(new float[] {0.6828055638f, 2.3142027680f}, within(5e-6f)); // v carries 1.2e-5 relative
    }
  }

  @Test
  void biasCorrectionCanBeTurnedOn() {
    Map<String, Parameter> params = Map.of("heads.t.bias", param("b", 1f));
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(0.1).totalSteps(10).numLayers(1)
        .schedule(RunSchedule.constant()).biasCorrection(true).build()) {
      NDArray c = manager.create(new float[] {0.3f});
      backward(params, ps -> ps.get(0).mul(c).sum());
      opt.step();
      // m̂ = g, v̂ = g²: update = 0.3 / (0.3 + 1e-6) = 0.99999666668; p = 1 − 0.1·update = 0.900000333332
      assertThat(values(params, "heads.t.bias")).containsExactly(new float[] {0.9000003333f}, within(1e-7f));
    }
  }

  @Test
  void clippingUsesTheGlobalNormOverAllParameters() {
    Map<String, Parameter> params = new LinkedHashMap<>();
    params.put("heads.a.weight", param("a", 0f));
    params.put("heads.b.weight", param("b", 0f));
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(0.1).totalSteps(10).numLayers(1)
        .build()) {
      // g = (3) and (4): each is over 1 alone, but the joint norm is 5, so both are scaled by 1/5: 0.6 and 0.8.
      backward(params, ps -> weighted(ps.get(0), 3).add(weighted(ps.get(1), 4)));
      opt.step();
      assertThat(opt.lastGradNorm()).isCloseTo(5.0, within(1e-6));
      // m = 0.1·clipped g
      assertThat(opt.state().tensors().get("m/heads.a.weight").toFloatArray())
          .containsExactly(new float[] {0.06f}, within(1e-7f));
      assertThat(opt.state().tensors().get("m/heads.b.weight").toFloatArray())
          .containsExactly(new float[] {0.08f}, within(1e-7f));
    }
  }

  @Test
  void gradientsUnderTheClipNormAreUntouched() {
    Map<String, Parameter> params = Map.of("heads.a.weight", param("a", 0f, 0f));
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(0.1).totalSteps(10).numLayers(1)
        .build()) {
      NDArray c = manager.create(new float[] {0.3f, 0.4f});
      backward(params, ps -> ps.get(0).mul(c).sum());
      opt.step();
      assertThat(opt.lastGradNorm()).isCloseTo(0.5, within(1e-7));
      assertThat(opt.state().tensors().get("m/heads.a.weight").toFloatArray())
          .containsExactly(new float[] {0.03f, 0.04f}, within(1e-7f));
    }
  }

  @Test
  void stepZeroesGradientsAndBackwardPassesBeforeAStepAccumulate() {
    Map<String, Parameter> params = Map.of("heads.a.weight", param("a", 0f));
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(0.1).totalSteps(10).numLayers(1)
        .build()) {
      backward(params, ps -> weighted(ps.get(0), 0.2f));
      backward(params, ps -> weighted(ps.get(0), 0.2f));
      opt.step();
      // Two passes of g = 0.2 add up to 0.4: m = 0.04.
      assertThat(opt.state().tensors().get("m/heads.a.weight").toFloatArray())
          .containsExactly(new float[] {0.04f}, within(1e-7f));
      try (NDArray grad = params.get("heads.a.weight").getArray().getGradient()) {
        assertThat(grad.toFloatArray()).containsExactly(0f);
      }
      backward(params, ps -> weighted(ps.get(0), 0.2f));
      opt.step();
      // The second step saw only its own pass: m = 0.9·0.04 + 0.1·0.2 = 0.056.
      assertThat(opt.state().tensors().get("m/heads.a.weight").toFloatArray())
          .containsExactly(new float[] {0.056f}, within(1e-7f));
    }
  }

  @Test
  void nonFiniteGradientFailsNamingTheParameterAndChangesNothing() {
    Map<String, Parameter> params = new LinkedHashMap<>();
    params.put("heads.a.weight", param("a", 1f));
    params.put("heads.b.weight", param("b", 1f));
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(0.1).totalSteps(10).numLayers(1)
        .schedule(RunSchedule.constant()).build()) {
      NDArray c = manager.create(new float[] {Float.NaN});
      backward(params, ps -> ps.get(0).sum().add(ps.get(1).mul(c).sum()));
      assertThatThrownBy(opt::step)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("step 0")
          .hasMessageContaining("heads.b.weight");
      assertThat(opt.stepCount()).isZero();
      assertThat(values(params, "heads.a.weight")).containsExactly(1f);
      assertThat(opt.state().tensors().get("m/heads.a.weight").toFloatArray()).containsExactly(0f);
      // The gradients were cleared, so the next batch trains normally.
      backward(params, ps -> weighted(ps.get(0), 0.5f).add(weighted(ps.get(1), 0.5f)));
      opt.step();
      assertThat(opt.lastGradNorm()).isCloseTo(Math.sqrt(0.5), within(1e-7));
    }
  }

  @Test
  void eachParameterMovesAtTheRateOfItsOwnDepth() {
    // Given out of depth order, so the optimizer's flat layout (grouped by depth) differs from the given order.
    Map<String, Parameter> params = new LinkedHashMap<>();
    params.put("heads.t.weight", param("h", 1f, -1f));
    params.put("embeddings.word_embeddings.weight", param("e", 2f, 0.5f, -3f));
    params.put("encoder.layer.0.output.dense.bias", param("b", 4f));
    params.put("pooler.dense.weight", param("p", -2f, 1f));
    float[][] grads = {{0.3f, -0.2f}, {0.1f, 0.4f, -0.5f}, {0.6f}, {-0.7f, 0.8f}};
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(0.1).totalSteps(10).numLayers(1)
        .layerDecay(0.5).clipNorm(Double.POSITIVE_INFINITY).schedule(RunSchedule.constant())
        .build()) {
      List<NDArray> c = new ArrayList<>();
      for (float[] g : grads) {
        c.add(manager.create(g));
      }
      backward(params, ps -> {
        NDArray loss = ps.get(0).mul(c.get(0)).sum();
        for (int i = 1; i < ps.size(); i++) {
          loss = loss.add(ps.get(i).mul(c.get(i)).sum());
        }
        return loss;
      });
      List<float[]> before = new ArrayList<>();
      params.keySet().forEach(n -> before.add(values(params, n)));
      opt.step();
      // One layer: heads depth 3 (factor 1), pooler 2 (0.5), layer 0 at 1 (0.25), embeddings 0 (0.125).
      double[] factors = {1, 0.125, 0.25, 0.5};
      boolean[] decayed = {true, true, false, true};
      int k = 0;
      for (String name : params.keySet()) {
        float[] g = grads[k];
        float[] m = opt.state().tensors().get("m/" + name).toFloatArray();
        float[] v = opt.state().tensors().get("v/" + name).toFloatArray();
        float[] p = values(params, name);
        for (int i = 0; i < g.length; i++) {
          assertThat(m[i]).as("m of %s", name).isCloseTo(0.1f * g[i], within(1e-7f));
          assertThat(v[i]).as("v of %s", name).isCloseTo(0.001f * g[i] * g[i], within(1e-8f));
          double rate = 0.1 * factors[k];
          double update = 0.1 * g[i] / (Math.sqrt(0.001 * g[i] * g[i]) + 1e-6)
              + (decayed[k] ? 0.01 * before.get(k)[i] : 0);
          assertThat((double) p[i]).as("%s[%s]", name, i).isCloseTo(before.get(k)[i] - rate * update,
              within(2e-5));
        }
        k++;
      }
    }
  }

  @Test
  void aParameterLargerThanOneRunOfTheUpdateIsUpdatedThroughout() {
    // The word embeddings of a real model span several runs of the update; a head after them has another rate.
    int big = (int) (2.5 * FlatBuffers.RUN_VALUES);
    Map<String, Parameter> params = new LinkedHashMap<>();
    params.put("embeddings.word_embeddings.weight", param(manager, "e", new Shape(big), 1f));
    params.put("heads.t.bias", param(manager, "b", new Shape(3), 1f));
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(0.1).totalSteps(10).numLayers(1)
        .layerDecay(0.5).clipNorm(Double.POSITIVE_INFINITY).schedule(RunSchedule.constant())
        .build()) {
      // Gradient 1 everywhere: m = 0.1, v = 0.001, update = 0.1 / (sqrt(0.001) + 1e-6) = 3.16217...
      backward(params, ps -> ps.get(0).sum().add(ps.get(1).sum()));
      opt.step();
      double update = 0.1 / (Math.sqrt(0.001) + 1e-6);
      // Embeddings: depth 0 of 3, factor 0.125, with weight decay; the head's bias: factor 1, no decay.
      float embedding = (float) (1 - 0.1 * 0.125 * (update + 0.01));
      float bias = (float) (1 - 0.1 * update);
      float[] e = values(params, "embeddings.word_embeddings.weight");
      float[] m = opt.state().tensors().get("m/embeddings.word_embeddings.weight").toFloatArray();
      for (int i = 0; i < big; i += 997) {
        assertThat(e[i]).as("embedding %s", i).isCloseTo(embedding, within(1e-6f));
        assertThat(m[i]).as("m %s", i).isCloseTo(0.1f, within(1e-7f));
      }
      assertThat(e[big - 1]).isCloseTo(embedding, within(1e-6f));
      assertThat(values(params, "heads.t.bias")).containsExactly(new float[] {bias, bias, bias}, within(1e-6f));
    }
  }

  @Test
  void aParameterWithoutGradientIsLeftAlone() {
    Map<String, Parameter> params = new LinkedHashMap<>();
    params.put("heads.a.weight", param("a", 1f));
    params.put("heads.b.weight", param("b", 1f));
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(0.1).totalSteps(10).numLayers(1)
        .schedule(RunSchedule.constant()).build()) {
      backward(params, ps -> weighted(ps.get(0), 0.5f).add(weighted(ps.get(1), 0.5f)));
      opt.step();
      float[] frozenM = opt.state().tensors().get("m/heads.b.weight").toFloatArray();
      float[] frozenP = values(params, "heads.b.weight");
      params.get("heads.b.weight").getArray().setRequiresGradient(false);
      backward(params, ps -> weighted(ps.get(0), 0.5f).add(weighted(ps.get(1), 0.5f)));
      opt.step();
      assertThat(opt.lastGradNorm()).isCloseTo(0.5, within(1e-7));
      assertThat(opt.state().tensors().get("m/heads.b.weight").toFloatArray()).containsExactly(frozenM);
      assertThat(values(params, "heads.b.weight")).containsExactly(frozenP);
      // The other parameter had its second step: m = 0.9·0.05 + 0.1·0.5 = 0.095.
      assertThat(opt.state().tensors().get("m/heads.a.weight").toFloatArray())
          .containsExactly(new float[] {0.095f}, within(1e-7f));
    }
  }

  @Test
  void aFewStepsLowerALeastSquaresLoss() {
    LeastSquares problem = new LeastSquares(manager, 0f);
    try (LayerwiseLrOptimizer opt = problem.optimizer(40)) {
      float initial = problem.loss();
      for (int i = 0; i < 40; i++) {
        problem.backward();
        opt.step();
      }
      assertThat(problem.loss()).isLessThan(initial / 4);
    }
  }

  @Test
  void restoredStateContinuesBitForBit() {
    int total = 12;
    int stop = 5;
    // Uninterrupted run.
    LeastSquares straight = new LeastSquares(manager, 0f);
    try (LayerwiseLrOptimizer opt = straight.optimizer(total)) {
      for (int i = 0; i < total; i++) {
        straight.backward();
        opt.step();
      }
    }
    // Interrupted run: save after `stop` steps, then rebuild everything and restore.
    LeastSquares first = new LeastSquares(manager, 0f);
    OptimizerState saved;
    Map<String, HostTensor> savedParams = new LinkedHashMap<>();
    try (LayerwiseLrOptimizer opt = first.optimizer(total)) {
      for (int i = 0; i < stop; i++) {
        first.backward();
        opt.step();
      }
      saved = opt.state();
      first.params.forEach((name, p) -> savedParams.put(name,
          new HostTensor(p.getArray().getShape().getShape(), p.getArray().toFloatArray())));
    }
    assertThat(saved.stepCount()).isEqualTo(stop);
    assertThat(saved.tensors().keySet()).containsExactly("m/heads.reg.weight", "v/heads.reg.weight",
        "m/heads.reg.bias", "v/heads.reg.bias");
    LeastSquares resumed = new LeastSquares(manager, 7f);
    resumed.params.forEach((name, p) -> p.getArray().set(savedParams.get(name).values()));
    try (LayerwiseLrOptimizer opt = resumed.optimizer(total)) {
      opt.loadState(saved);
      assertThat(opt.stepCount()).isEqualTo(stop);
      for (int i = stop; i < total; i++) {
        resumed.backward();
        opt.step();
      }
    }
    for (String name : straight.params.keySet()) {
      assertThat(bits(values(resumed.params, name))).as(name).isEqualTo(bits(values(straight.params, name)));
    }
  }

  @Test
  void aViewOfTheStateReadsTheMomentsWhereTheyLieAndRestoresLikeACopy() {
    LeastSquares problem = new LeastSquares(manager, 0f);
    try (LayerwiseLrOptimizer opt = problem.optimizer(10)) {
      problem.backward();
      opt.step();
      OptimizerState copy = opt.state();
      OptimizerState view = opt.stateView();
      assertThat(view.stepCount()).isEqualTo(copy.stepCount());
      assertThat(view.tensors().keySet()).containsExactlyElementsOf(copy.tensors().keySet());
      copy.tensors().forEach((name, t) -> {
        assertThat(view.tensors().get(name).shape()).as(name).isEqualTo(t.shape());
        assertThat(view.tensors().get(name).toFloatArray()).as(name).containsExactly(t.toFloatArray());
      });

      // A view follows the optimizer: after another step it reads the new moments, the copy keeps the old.
      problem.backward();
      opt.step();
      float[] now = opt.state().tensors().get("m/heads.reg.weight").toFloatArray();
      assertThat(view.tensors().get("m/heads.reg.weight").toFloatArray()).containsExactly(now)
          .isNotEqualTo(copy.tensors().get("m/heads.reg.weight").toFloatArray());

      // Loading the earlier copy and then a fresh view of it changes nothing further.
      opt.loadState(copy);
      opt.loadState(opt.stateView());
      assertThat(opt.state()).isEqualTo(copy);
    }
  }

  @Test
  void memoryStaysFlatOverManySteps() {
    LeastSquares problem = new LeastSquares(manager, 0f);
    try (LayerwiseLrOptimizer opt = problem.optimizer(1000)) {
      for (int i = 0; i < 3; i++) {
        problem.backward();
        opt.step();
      }
      int ours = opt.manager().getManagedArrays().size();
      int theirs = manager.getManagedArrays().size();
      for (int i = 0; i < 200; i++) {
        problem.backward();
        opt.step();
      }
      assertThat(opt.manager().getManagedArrays()).hasSize(ours);
      assertThat(manager.getManagedArrays()).hasSize(theirs);
    }
  }

  // ---------------------------------------------------------------- state validation

  @Test
  void loadStateNamesTheOffendingTensor() {
    Map<String, Parameter> params = new LinkedHashMap<>();
    params.put("heads.a.weight", param("a", 0f, 0f));
    params.put("heads.a.bias", param("b", 0f));
    try (LayerwiseLrOptimizer opt = builder(params).learningRate(0.1).totalSteps(10).numLayers(1)
        .build()) {
      Map<String, FloatTensor> good = new LinkedHashMap<>(opt.state().tensors());

      Map<String, FloatTensor> missing = new LinkedHashMap<>(good);
      missing.remove("v/heads.a.bias");
      assertThatThrownBy(() -> opt.loadState(new OptimizerState(3, missing)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("v/heads.a.bias");

      Map<String, FloatTensor> wrongShape = new LinkedHashMap<>(good);
      wrongShape.put("m/heads.a.weight", new HostTensor(new long[] {3}, new float[3]));
      assertThatThrownBy(() -> opt.loadState(new OptimizerState(3, wrongShape)))
          .hasMessageContaining("m/heads.a.weight")
          .hasMessageContaining("[3]")
          .hasMessageContaining("[2]");

      Map<String, FloatTensor> extra = new LinkedHashMap<>(good);
      extra.put("m/heads.gone.weight", new HostTensor(new long[] {1}, new float[1]));
      assertThatThrownBy(() -> opt.loadState(new OptimizerState(3, extra)))
          .hasMessageContaining("m/heads.gone.weight");

      // Nothing was changed by the failed loads.
      assertThat(opt.stepCount()).isZero();
      assertThatThrownBy(() -> new OptimizerState(-1, good)).hasMessageContaining("got -1");
    }
  }

  // ---------------------------------------------------------------- validation

  @Test
  void badSettingsAreErrorsNamingThem() {
    Map<String, Parameter> params = Map.of("heads.a.weight", param("a", 0f));
    assertSettingsFail(builder(params).learningRate(-1e-4), "learning rate", "-1.0E-4");
    assertSettingsFail(builder(params).learningRate(Double.NaN), "learning rate", "NaN");
    TestOptimizer ok = builder(params).learningRate(1e-4).numLayers(1);
    assertSettingsFail(ok.layerDecay(1.5), "layer decay", "1.5");
    assertSettingsFail(ok.layerDecay(0), "layer decay", "0.0");
    assertSettingsFail(ok.layerDecay(0.9).weightDecay(-0.01), "weight decay", "-0.01");
    assertSettingsFail(ok.weightDecay(0.01).clipNorm(0), "clip norm", "0.0");
    assertThatThrownBy(() -> ok.clipNorm(1.0).warmupFraction(1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("warmup fraction", "1.0");
    BiFunction<Double, Double, OptimizerSettings> betas = (b1, b2) -> new OptimizerSettings(1e-4, 0.9, 0.01, 1.0,
        b1, b2, 1e-6, false, RunSchedule.constant());
    assertThatThrownBy(() -> betas.apply(1.0, 0.999)).hasMessageContainingAll("beta1", "1.0");
    assertThatThrownBy(() -> betas.apply(0.9, -0.1)).hasMessageContainingAll("beta2", "-0.1");
    assertThatThrownBy(() -> new OptimizerSettings(1e-4, 0.9, 0.01, 1.0, 0.9, 0.999, 0, false,
        RunSchedule.constant())).hasMessageContainingAll("epsilon", "0.0");
  }

  @Test
  void badParametersAndStepsAreErrorsNamingThem() {
    Map<String, Parameter> params = Map.of("heads.a.weight", param("a", 0f));
    assertBuildFails(builder(Map.of()).numLayers(1), "parameters must not be empty");
    assertBuildFails(builder(params).numLayers(1).totalSteps(0), "totalSteps", "got 0");
    assertBuildFails(builder(params).numLayers(0), "numLayers", "got 0");
    assertBuildFails(builder(Map.of("encoder.pos.weight", param("p", 0f))).numLayers(2), "encoder.pos.weight");
    assertBuildFails(builder(Map.of("heads.a.weight", param("a", 0f))), "number of layers");
    Parameter uninitialized = Parameter.builder().setName("u").setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(2)).build();
    assertBuildFails(builder(Map.of("heads.u.weight", uninitialized)).numLayers(1), "heads.u.weight",
        "not initialized");
  }

  @Test
  void closedOptimizerRefusesToStep() {
    Map<String, Parameter> params = Map.of("heads.a.weight", param("a", 0f));
    LayerwiseLrOptimizer opt = builder(params).learningRate(0.1).totalSteps(10).numLayers(1).build();
    opt.close();
    opt.close();
    assertThatThrownBy(opt::step).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  // ---------------------------------------------------------------- helpers

  /** A linear regression y = x·w + b on fixed data, as named task-head parameters. */
  private static final class LeastSquares {
    final NDManager manager;
    final Map<String, Parameter> params = new LinkedHashMap<>();
    final float[] x = {1, 2, 0, -1, 0.5f, 1, 3, -2, 1, 0, 1, 1, -1, -1, 2, 2, 0, 0.5f, 1, -3, 1, 0.5f, 1, 2};
    final float[] y = new float[8];

    LeastSquares(NDManager manager, float init) {
      this.manager = manager;
      float[] w = {0.5f, -1f, 2f};
      for (int i = 0; i < 8; i++) {
        y[i] = x[3 * i] * w[0] + x[3 * i + 1] * w[1] + x[3 * i + 2] * w[2] + 0.25f;
      }
      params.put("heads.reg.weight", param(manager, "w", new Shape(3, 1), init));
      params.put("heads.reg.bias", param(manager, "b", new Shape(1), init));
    }

    LayerwiseLrOptimizer optimizer(int totalSteps) {
      return new TestOptimizer(params).learningRate(0.2).totalSteps(totalSteps)
          .numLayers(1).build();
    }

    /** The loss on arrays made in a batch manager, as a trainer would, so nothing outlives the step. */
    NDArray lossIn(NDManager batch) {
      NDArray w = params.get("heads.reg.weight").getArray();
      NDArray b = params.get("heads.reg.bias").getArray();
      batch.tempAttachAll(w, b);
      NDArray pred = batch.create(x, new Shape(8, 3)).matMul(w).reshape(8).add(b);
      return pred.sub(batch.create(y)).square().mean();
    }

    void backward() {
      try (NDManager batch = manager.newSubManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(lossIn(batch));
      }
    }

    float loss() {
      try (NDManager batch = manager.newSubManager()) {
        return lossIn(batch).getFloat();
      }
    }
  }

  private TestOptimizer builder(Map<String, Parameter> params) {
    return new TestOptimizer(params);
  }

  private Parameter param(String id, float... values) {
    Parameter p = param(manager, id, new Shape(values.length), 0f);
    p.getArray().set(values);
    return p;
  }

  private static Parameter param(NDManager manager, String id, Shape shape, float init) {
    Parameter p = Parameter.builder().setName(id).setType(Parameter.Type.WEIGHT).optShape(shape)
        .optInitializer(new ConstantInitializer(init)).build();
    p.initialize(manager, DataType.FLOAT32);
    return p;
  }

  /** Runs one backward pass of a loss over the parameters (in map order), in its own manager. */
  /** sum(c·x), with c made so that autograd may keep it (see {@link Scalars}). */
  private static NDArray weighted(NDArray x, float c) {
    return x.mul(Scalars.of(x, c)).sum();
  }

  private void backward(Map<String, Parameter> params, Function<List<NDArray>, NDArray> loss) {
    try (NDManager batch = manager.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      List<NDArray> arrays = new ArrayList<>();
      params.values().forEach(p -> arrays.add(p.getArray()));
      batch.tempAttachAll(arrays.toArray(new NDArray[0]));
      gc.backward(loss.apply(arrays));
    }
  }

  private static float[] values(Map<String, Parameter> params, String name) {
    return params.get(name).getArray().toFloatArray();
  }

  private static int[] bits(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToRawIntBits(values[i]);
    }
    return bits;
  }

  private static void assertBuildFails(TestOptimizer inputs, String... messageParts) {
    assertThatThrownBy(inputs::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(messageParts);
  }

  private static void assertSettingsFail(TestOptimizer inputs, String... messageParts) {
    assertThatThrownBy(inputs::settings)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(messageParts);
  }
}
