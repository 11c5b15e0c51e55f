package io.github.bamjava.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.encoder.Architecture;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.encoder.HfFixtures;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.model.ModelHeads;
import io.github.bamjava.model.RegressionOutput;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.task.Task;
import io.github.bamjava.train.SyntheticTasks;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceClassificationExportTest {

  private static final List<Task> TASKS = List.of(SyntheticTasks.sentiment(48, 8, 1),
      SyntheticTasks.answer(48, 8, 2), SyntheticTasks.stars(48, 8, 3));
  private static final ModelHeads LINEAR = ModelHeads.defaults()
      .withOptions(HeadOptions.DEFAULT.withRegressionOutput(RegressionOutput.LINEAR));

  @TempDir static Path shared;
  @TempDir Path dir;

  /** A tiny model trained a few steps, whose heads all map: [CLS] + pooler, a linear regression output. */
  private static Path model;

  @BeforeAll
  static void trainATinyModel() throws Exception {
    model = SyntheticTasks.tinyTrainer(shared.resolve("run"), TASKS).optHeads(LINEAR).optEpochs(1).build().train()
        .modelDir();
  }

  private static JsonObject json(Path file) throws Exception {
    return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
  }

  @Test
  void everyTaskWithAMappableHeadBecomesABertForSequenceClassificationFolder() throws Exception {
    Map<String, HostTensor> saved = SafeTensors.read(model.resolve("model.safetensors"));
    try (NDManager owner = NDManager.newBaseManager(); BamModel bam = BamModel.load(model, owner)) {
      List<TaskExport> done = SequenceClassificationExport.exportAll(bam, List.of(), dir.resolve("hf"));
      assertThat(done).extracting(TaskExport::task).containsExactly("sentiment", "answer", "stars");
      assertThat(done).allMatch(TaskExport::written);
    }
    for (String task : List.of("sentiment", "answer")) {
      Path out = dir.resolve("hf").resolve(task);
      try (var files = Files.list(out)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder("config.json", "model.safetensors", "vocab.txt");
      }
      assertThat(Files.readAllBytes(out.resolve("vocab.txt"))).isEqualTo(Files.readAllBytes(model.resolve("vocab.txt")));
      JsonObject config = json(out.resolve("config.json"));
      assertThat(config.getAsJsonArray("architectures").get(0).getAsString())
          .isEqualTo("BertForSequenceClassification");
      assertThat(config.get("model_type").getAsString()).isEqualTo("bert");
      assertThat(config.get("problem_type").getAsString()).isEqualTo("single_label_classification");
      assertThat(config.get("num_labels").getAsInt()).isEqualTo(2);
      assertThat(config.get("hidden_size").getAsInt()).isEqualTo(32);
      Map<String, HostTensor> exported = SafeTensors.read(out.resolve("model.safetensors"));
      // The encoder under the same HuggingFace names, bit for bit, and the head renamed to classifier.
      saved.forEach((name, tensor) -> {
        if (name.startsWith("bert.")) {
          assertThat(exported.get(name)).as(name).isEqualTo(tensor);
        }
      });
      assertThat(exported).containsKey("bert.pooler.dense.weight");
      assertThat(exported.keySet()).noneMatch(n -> n.startsWith("heads."));
      assertThat(exported.get("classifier.weight")).isEqualTo(saved.get("heads." + task + ".dense.weight"));
      assertThat(exported.get("classifier.weight").shape()).containsExactly(2, 32);
      assertThat(exported.get("classifier.bias")).isEqualTo(saved.get("heads." + task + ".dense.bias"));
      assertThat(exported).hasSize((int) saved.keySet().stream().filter(n -> n.startsWith("bert.")).count() + 2);
    }
    JsonObject answer = json(dir.resolve("hf/answer/config.json"));
    assertThat(answer.getAsJsonObject("id2label").get("0").getAsString()).isEqualTo("entailment");
    assertThat(answer.getAsJsonObject("id2label").get("1").getAsString()).isEqualTo("not_entailment");
    assertThat(answer.getAsJsonObject("label2id").get("not_entailment").getAsInt()).isEqualTo(1);
  }

  @Test
  void aLinearRegressionHeadIsRescaledSoThatItsLogitIsTheScoreOnTheTasksScale() throws Exception {
    Map<String, HostTensor> saved = SafeTensors.read(model.resolve("model.safetensors"));
    try (NDManager owner = NDManager.newBaseManager(); BamModel bam = BamModel.load(model, owner)) {
      SequenceClassificationExport.write(bam, "stars", dir.resolve("stars"));
    }
    JsonObject config = json(dir.resolve("stars/config.json"));
    assertThat(config.get("problem_type").getAsString()).isEqualTo("regression");
    assertThat(config.get("num_labels").getAsInt()).isEqualTo(1);
    assertThat(config.getAsJsonObject("id2label").get("0").getAsString()).isEqualTo("score");
    Map<String, HostTensor> exported = SafeTensors.read(dir.resolve("stars/model.safetensors"));
    // stars range over [0, 5]: score = 0 + 5 * (w.x + b).
    float[] w = saved.get("heads.stars.dense.weight").values();
    float[] got = exported.get("classifier.weight").values();
    assertThat(exported.get("classifier.weight").shape()).containsExactly(1, 32);
    for (int i = 0; i < w.length; i++) {
      assertThat(got[i]).isEqualTo(w[i] * 5f);
    }
    assertThat(exported.get("classifier.bias").values()[0])
        .isEqualTo(saved.get("heads.stars.dense.bias").values()[0] * 5f);
  }

  @Test
  void headsWithoutAHuggingFaceClassAreRefusedWithTheReason() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      BamModel sigmoid = BamModel.create(manager, SyntheticTasks.tinyEncoder(3).load(manager), TASKS,
          ModelHeads.defaults());
      List<TaskExport> done = SequenceClassificationExport.exportAll(sigmoid, List.of(), dir.resolve("a"));
      assertThat(done.get(0).written()).isTrue();
      assertThat(done.get(2).written()).isFalse();
      assertThat(done.get(2).refusal()).contains("regression head ends in a sigmoid")
          .contains("BertForSequenceClassification's regression output is linear");
      assertThat(dir.resolve("a/stars")).doesNotExist();
      assertThatThrownBy(() -> SequenceClassificationExport.write(sigmoid, "stars", dir.resolve("b")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("task stars cannot be exported as BertForSequenceClassification");

      BamModel mean = BamModel.create(manager, SyntheticTasks.tinyEncoder(3).load(manager), TASKS,
          ModelHeads.defaults().withOptions(HeadOptions.MEAN_LINEAR));
      assertThat(SequenceClassificationExport.exportAll(mean, List.of(), dir.resolve("c")))
          .allSatisfy(e -> assertThat(e.refusal()).contains("reads the mean pooling"));
      assertThat(dir.resolve("c")).doesNotExist();

      // The HuggingFace class holds a BERT encoder: another architecture's weights under BERT's names would load
      // as a model that answers otherwise.
      BamModel roberta = BamModel.create(manager,
          EncoderSource.huggingFace(HfFixtures.checkpoint(Architecture.ROBERTA)).load(manager), TASKS, LINEAR);
      assertThat(SequenceClassificationExport.exportAll(roberta, List.of(), dir.resolve("d")))
          .allSatisfy(e -> assertThat(e.refusal()).contains("its encoder is roberta"));
      assertThat(dir.resolve("d")).doesNotExist();
    }
  }

  @Test
  void anUnknownTaskOrAnExistingFolderIsAnErrorBeforeAnythingIsWritten() throws Exception {
    try (NDManager owner = NDManager.newBaseManager(); BamModel bam = BamModel.load(model, owner)) {
      assertThatThrownBy(() -> SequenceClassificationExport.exportAll(bam, List.of("sentiment", "nope"),
          dir.resolve("x")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no task nope");
      assertThat(dir.resolve("x")).doesNotExist();
      Files.createDirectories(dir.resolve("y/answer"));
      assertThatThrownBy(() -> SequenceClassificationExport.exportAll(bam, List.of(), dir.resolve("y")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("answer exists already");
      assertThat(dir.resolve("y/sentiment")).doesNotExist();
    }
  }
}
