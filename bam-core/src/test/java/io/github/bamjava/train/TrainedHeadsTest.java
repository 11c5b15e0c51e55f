package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.model.ModelHeads;
import io.github.bamjava.model.Pooling;
import io.github.bamjava.model.RegressionOutput;
import io.github.bamjava.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Head options and custom heads through the public API: trainer, saved model, {@link BamModel#load}. */
class TrainedHeadsTest {

  @TempDir Path dir;

  private static final Task SENTIMENT = SyntheticTasks.sentiment(48, 24, 1);
  private static final Task STARS = SyntheticTasks.stars(48, 24, 3);

  private static BornAgainTrainer.Builder tiny(Path out) {
    return SyntheticTasks.tinyTrainer(out, List.of(SENTIMENT, STARS)).optEpochs(1);
  }

  private static JsonObject resumeKey(Path run) throws Exception {
    return JsonParser.parseString(Files.readString(run.resolve("run-config.json"))).getAsJsonObject()
        .getAsJsonObject("resume_key");
  }

  @Test
  void customHeadAndHeadOptionsAreTrainedSavedAndLoadedBack() throws Exception {
    ModelHeads heads = ModelHeads.defaults()
        .withOptions(new HeadOptions(Pooling.MEAN, RegressionOutput.LINEAR))
        .withHead("sentiment", "two-layer", BamModelTest.TwoLayerHead::new);
    Path run = dir.resolve("run");
    RunResult result = tiny(run).optHeads(heads).build().train();

    String tasks = Files.readString(result.modelDir().resolve("tasks.json"));
    assertThat(tasks).contains("\"type\": \"two-layer\"").contains("\"pooling\": \"mean\"")
        .contains("\"regression_output\": \"linear\"");
    assertThat(resumeKey(run).get("heads")).isEqualTo(heads.toJson());

    try (NDManager manager = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> BamModel.load(result.modelDir(), manager))
          .hasMessageContaining("head 'two-layer', which is not registered");
    }
    try (NDManager manager = NDManager.newBaseManager();
        BamModel model = BamModel.load(result.modelDir(), manager, heads.registry())) {
      assertThat(model.network().pooling("stars")).isEqualTo(Pooling.MEAN);
      // The loaded model scores exactly what the trainer measured on its last evaluation.
      for (Task task : List.of(SENTIMENT, STARS)) {
        assertThat(Evaluation.score(task, task.dev(), model.predict(task.name(), task.dev(), 32)))
            .as(task.name()).isEqualTo(result.finalDev().get(task.name()));
      }
    }
    // Other heads are other settings: the finished run is not resumed with them.
    assertThatThrownBy(() -> tiny(run).build().train()).hasMessageContaining("holds a run with other settings");
  }

  @Test
  void defaultHeadsAreNamedInTheRunKeyAndTheSavedModel() throws Exception {
    Path run = dir.resolve("run");
    tiny(run).optEpochs(1).build().train();
    assertThat(resumeKey(run).get("heads")).isEqualTo(ModelHeads.defaults().toJson());
    assertThat(Files.readString(run.resolve("model/tasks.json"))).contains("\"type\": \"linear\"")
        .contains("\"pooling\": \"cls_pooler\"").contains("\"regression_output\": \"sigmoid\"");
  }
}
