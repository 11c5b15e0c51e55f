package io.github.bamjava.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.bamjava.runtime.TorchEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddingTableTest {

  private static final int ROWS = 100;
  private static final int DIM = 8;
  private static final long[] IDS = {3, 5, 5, 99};

  private NDManager manager;
  private EmbeddingTable table;
  private ParameterStore store;

  @BeforeEach
  void setUp() {
    manager = TorchEngine.newManager();
    Engine.getInstance().setRandomSeed(3);
    table = new EmbeddingTable("word_embeddings", ROWS, DIM);
    table.initialize(manager, DataType.FLOAT32, new Shape(1, IDS.length));
    store = new ParameterStore(manager, false);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void theWordTablesGradientGoesSparseAfterTheFirstStepAndStaysTheSame() {
    NDArray weight = table.getParameters().get("weight").getArray();
    NDArray ids = manager.create(IDS, new Shape(1, IDS.length));
    float[] upstream = new float[IDS.length * DIM];
    for (int i = 0; i < upstream.length; i++) {
      upstream[i] = (i % 7) * 0.25f - 0.5f;
    }
    // The table's gradient of sum(lookup · upstream): each row gets the upstream vectors of its positions.
    float[] expected = new float[ROWS * DIM];
    for (int p = 0; p < IDS.length; p++) {
      for (int d = 0; d < DIM; d++) {
        expected[(int) IDS[p] * DIM + d] += upstream[p * DIM + d];
      }
    }

    assertThat(EmbeddingTable.sparseGradient(weight, ids, true)).as("no gradient yet: dense").isFalse();
    for (int step = 1; step <= 3; step++) {
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray out = table.lookUp(store, ids, true);
        gc.backward(out.mul(manager.create(upstream, out.getShape())).sum());
      }
      NDArray gradient = weight.getGradient();
      assertThat(gradient.getSparseFormat()).as("step %s", step).isEqualTo(SparseFormat.DENSE);
      assertThat(gradient.toFloatArray()).as("step %s", step).containsExactly(expected);
      gradient.subi(gradient); // as the optimizer does after reading it
      assertThat(EmbeddingTable.sparseGradient(weight, ids, true)).as("after step %s", step).isTrue();
    }
  }

  @Test
  void aLookupOfAsManyIdsAsRowsOrOutsideTrainingStaysDense() {
    NDArray weight = table.getParameters().get("weight").getArray();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(table.lookUp(store, manager.create(IDS, new Shape(1, IDS.length)), true).sum());
    }
    assertThat(EmbeddingTable.sparseGradient(weight, manager.zeros(new Shape(10, 10), DataType.INT64), true))
        .as("100 ids of a 100-row table (the positions of a long batch)").isFalse();
    assertThat(EmbeddingTable.sparseGradient(weight, manager.create(IDS), false)).as("prediction").isFalse();
    assertThat(EmbeddingTable.sparseGradient(weight, manager.create(IDS), true)).isTrue();
  }
}
