package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.github.bamjava.encoder.PretrainedEncoder;
import io.github.bamjava.encoder.StateDict;
import io.github.bamjava.task.Task;
import io.github.bamjava.weights.HostTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BamModelTest {

  @TempDir Path dir;

  @Test
  void addingHeadsKeepsTheEncoderWeights() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      PretrainedEncoder encoder = SyntheticTasks.tinyEncoder(3).load(manager);
      Map<String, HostTensor> before = StateDict.snapshot(encoder.encoder().namedParameters());
      BamModel model = BamModel.create(manager, encoder, BamModel.kindsOf(List.of(SyntheticTasks.stars(4, 0, 1))));
      assertThat(StateDict.snapshot(encoder.encoder().namedParameters())).isEqualTo(before);
      assertThat(model.network().namedParameters()).containsKeys("bert.pooler.dense.weight",
          "heads.stars.dense.weight", "heads.stars.dense.bias");
    }
  }

  @Test
  void savedModelLoadsBackBitIdenticalWithItsHeadsAndTokenizer() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(8, 4, 1), SyntheticTasks.stars(8, 4, 2));
    Map<String, HostTensor> weights;
    float[][] predictions;
    try (NDManager manager = NDManager.newBaseManager()) {
      BamModel model = BamModel.create(manager, SyntheticTasks.tinyEncoder(3).load(manager),
          BamModel.kindsOf(tasks));
      weights = model.weights();
      predictions = model.predict("stars", tasks.get(1).dev(), 32);
      model.save(dir.resolve("m"));
      model.save(dir.resolve("m"));
    }
    assertThat(dir.resolve("m/config.json")).exists();
    assertThat(dir.resolve("m/vocab.txt")).exists();
    try (BamModel loaded = BamModel.load(dir.resolve("m"), NDManager.newBaseManager())) {
      assertThat(loaded.weights()).isEqualTo(weights);
      assertThat(loaded.tasks()).containsExactly("sentiment", "stars");
      assertThat(loaded.predict("stars", tasks.get(1).dev(), 32)).isDeepEqualTo(predictions);
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("m");
    }
  }

  @Test
  void loadingSomethingElseIsAClearError() {
    assertThatThrownBy(() -> BamModel.load(dir, NDManager.newBaseManager()))
        .hasMessageContaining("is not a saved BAM model").hasMessageContaining("tasks.json");
  }
}
