package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.encoder.PretrainedEncoder;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.model.ModelHeads;
import io.github.bamjava.model.Pooling;
import io.github.bamjava.model.RegressionOutput;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.predict.BamModelTest;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
  void fineTuningStartsFromTheSavedHeadOnlyWhenItWasSavedForTheSameLabelsAndOptions() throws Exception {
    RunResult multi = tiny(dir.resolve("multi")).build().train();
    List<Example> dev = SENTIMENT.dev();
    TaskKind sameLabels = SENTIMENT.kind();
    TaskKind swapped = TaskKind.Classification.of("1", "0");

    try (NDManager manager = NDManager.newBaseManager();
        BamModel saved = BamModel.load(multi.modelDir(), manager)) {
      float[][] expected = saved.predict("sentiment", dev, 32);
      assertThat(predictFromSaved(multi, sameLabels, ModelHeads.defaults(), dev)).isDeepEqualTo(expected);
      // Same shapes, other meaning: each label would start from the other's logit, or from another pooled input.
      assertThat(Arrays.deepEquals(predictFromSaved(multi, swapped, ModelHeads.defaults(), dev), expected))
          .isFalse();
      assertThat(Arrays.deepEquals(predictFromSaved(multi, sameLabels,
          ModelHeads.defaults().withOptions(HeadOptions.MEAN_LINEAR), dev), expected)).isFalse();
    }
  }

  /** The outputs, before any training, of a sentiment model made on the saved model's encoder. */
  private static float[][] predictFromSaved(RunResult run, TaskKind kind, ModelHeads heads, List<Example> dev)
      throws Exception {
    NDManager manager = NDManager.newBaseManager();
    PretrainedEncoder encoder = EncoderSource.huggingFace(run.modelDir()).load(manager);
    try (BamModel model = BamModel.create(manager, encoder, Map.of("sentiment", kind), heads)) {
      return model.predict("sentiment", dev, 32);
    }
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
