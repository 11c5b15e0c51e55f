package io.github.bamjava.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.bamjava.encoder.BertEncoder;
import io.github.bamjava.encoder.CheckpointLayout;
import io.github.bamjava.optim.LayerDepth;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.train.SyntheticTasks;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultiTaskModelTest {

  private static MultiTaskModel model(NDManager manager) throws Exception {
    BertEncoder encoder = SyntheticTasks.tinyEncoder(3).load(manager).encoder();
    Map<String, TaskHead> heads = new LinkedHashMap<>();
    heads.put("nli", Heads.forTask(TaskKind.Classification.of("a", "b", "c"), 32));
    heads.put("sts", Heads.forTask(new TaskKind.Regression(0, 5), 32));
    MultiTaskModel model = new MultiTaskModel(encoder, heads);
    model.initializeHeads(manager);
    return model;
  }

  @Test
  void outputShapesAreTheHeadsOutputs() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape ids = new Shape(5, 9);
      assertThat(model(manager).getOutputShapes(new Shape[] {ids, ids, ids}))
          .containsExactly(new Shape(5, 3), new Shape(5, 1));
    }
  }

  @Test
  void aCustomHeadsOutputShapeIsFoundByRunningIt() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      TaskHead custom = new TaskHead() {
        @Override
        public ai.djl.ndarray.NDArray apply(ai.djl.training.ParameterStore store, ai.djl.ndarray.NDArray pooled,
            boolean training) {
          return pooled.get(":, 0:4");
        }
      };
      custom.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 32));
      assertThat(custom.getOutputShapes(new Shape[] {new Shape(7, 32)})).containsExactly(new Shape(7, 4));
    }
  }

  @Test
  void parameterNamesFollowTheCheckpointLayout() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      MultiTaskModel model = model(manager);
      LayerDepth depth = new LayerDepth(2);
      model.namedParameters().keySet().forEach(name -> {
        if (name.startsWith(CheckpointLayout.headPrefix("nli")) || name.startsWith(CheckpointLayout.headPrefix("sts"))) {
          assertThat(CheckpointLayout.isHead(name)).as(name).isTrue();
          assertThat(CheckpointLayout.part(name)).as(name).isEqualTo(CheckpointLayout.Part.HEAD);
          assertThat(depth.depth(name)).as(name).isEqualTo(depth.topDepth());
        } else {
          assertThat(name).startsWith(CheckpointLayout.ENCODER_PREFIX);
          assertThat(model.encoder().namedParameters())
              .containsKey(CheckpointLayout.withoutEncoderPrefix(name));
          assertThat(CheckpointLayout.isHead(name)).as(name).isFalse();
        }
      });
      assertThat(model.namedParameters()).containsKeys("heads.nli.dense.weight", "heads.sts.dense.bias",
          CheckpointLayout.savedEncoderName("pooler.dense.weight"));
      assertThat(CheckpointLayout.part("bert.pooler.dense.weight")).isEqualTo(CheckpointLayout.Part.POOLER);
      assertThat(CheckpointLayout.layerIndex("bert.encoder.layer.1.output.dense.weight")).isEqualTo(1);
      assertThat(CheckpointLayout.layerIndex("bert.embeddings.word_embeddings.weight")).isEqualTo(-1);
    }
  }
}
