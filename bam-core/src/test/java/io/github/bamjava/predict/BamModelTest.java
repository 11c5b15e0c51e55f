package io.github.bamjava.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.github.bamjava.encoder.Dense;
import io.github.bamjava.encoder.PretrainedEncoder;
import io.github.bamjava.encoder.StateDict;
import io.github.bamjava.model.HeadOptions;
import io.github.bamjava.model.HeadRegistry;
import io.github.bamjava.model.HeadSpec;
import io.github.bamjava.model.Heads;
import io.github.bamjava.model.ModelHeads;
import io.github.bamjava.model.Pooling;
import io.github.bamjava.model.RegressionOutput;
import io.github.bamjava.model.TaskHead;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Inputs;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.train.PlainPermissions;
import io.github.bamjava.train.SyntheticTasks;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class BamModelTest {

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
      // The views a save writes read the same values as the copies.
      assertThat(model.weightViews().keySet()).containsExactlyElementsOf(weights.keySet());
      model.weightViews().forEach((name, view) -> {
        assertThat(view.shape()).as(name).isEqualTo(weights.get(name).shape());
        assertThat(view.toFloatArray()).as(name).isEqualTo(weights.get(name).values());
      });
      predictions = model.predict("stars", tasks.get(1).dev(), 32);
      model.save(dir.resolve("m"));
      model.save(dir.resolve("m"));
    }
    assertThat(dir.resolve("m/config.json")).exists();
    assertThat(dir.resolve("m/vocab.txt")).exists();
    try (NDManager owner = NDManager.newBaseManager(); BamModel loaded = BamModel.load(dir.resolve("m"), owner)) {
      assertThat(loaded.weights()).isEqualTo(weights);
      assertThat(loaded.tasks()).containsExactly("sentiment", "stars");
      assertThat(loaded.predict("stars", tasks.get(1).dev(), 32)).isDeepEqualTo(predictions);
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("m");
    }
  }

  @Test
  void aSaveCleansUpTheCopiesThatKilledSavesLeftBeside() throws Exception {
    Path m = savedModel();
    // A save killed while writing, and one killed after moving the old copy aside and the new one in.
    Files.createDirectories(dir.resolve("m.tmp-123").resolve("x"));
    Files.createDirectories(dir.resolve("m.old-456"));
    Files.createDirectories(dir.resolve("m2.tmp-789"));
    try (NDManager owner = NDManager.newBaseManager(); BamModel loaded = BamModel.load(m, owner)) {
      loaded.save(m);
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("m", "m2.tmp-789");
    }
  }

  @Test
  void aSavedModelIsAsReadableAsAPlainDirectory() throws Exception {
    // Another user, or a server process, must be able to read a saved model (umask permitting).
    PlainPermissions.assertLikeAPlainDirectory(savedModel());
  }

  @Test
  void loadingSomethingElseIsAClearError() {
    try (NDManager manager = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> BamModel.load(dir, manager))
          .hasMessageContaining("is not a saved BAM model").hasMessageContaining("tasks.json");
    }
  }

  /** A saved two-task model (sentiment: 2 labels, stars: regression) in {@code dir/m}. */
  private Path savedModel() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(8, 4, 1), SyntheticTasks.stars(8, 4, 2));
    try (NDManager manager = NDManager.newBaseManager()) {
      BamModel.create(manager, SyntheticTasks.tinyEncoder(3).load(manager), BamModel.kindsOf(tasks))
          .save(dir.resolve("m"));
    }
    return dir.resolve("m");
  }

  /** Loading {@code model} fails; the manager it was given is closed afterwards. */
  private static AbstractThrowableAssert<?, ? extends Throwable> assertLoadFails(Path model) {
    try (NDManager manager = NDManager.newBaseManager()) {
      return assertThatThrownBy(() -> BamModel.load(model, manager).close());
    }
  }

  private static void editWeights(Path model, Consumer<Map<String, HostTensor>> edit) throws IOException {
    Path file = model.resolve("model.safetensors");
    LinkedHashMap<String, HostTensor> weights = SafeTensors.read(file);
    edit.accept(weights);
    SafeTensors.write(file, weights, Map.of("format", "pt"));
  }

  private static void editTasks(Path model, String from, String to) throws IOException {
    Path file = model.resolve("tasks.json");
    String text = Files.readString(file);
    assertThat(text).contains(from);
    Files.writeString(file, text.replace(from, to));
  }

  @Test
  void headSavedWithAnotherNumberOfLabelsIsAnErrorNamingTheTensor() throws Exception {
    Path m = savedModel();
    editTasks(m, "\"1\"\n", "\"1\",\n \"2\"\n");
    assertLoadFails(m)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(m.resolve("model.safetensors").toString())
        .hasMessageContaining("mis-shaped heads.sentiment.dense.weight: checkpoint [2, 32], model [3, 32]");
  }

  @Test
  void classificationHeadSavedAsRegressionIsAnError() throws Exception {
    Path m = savedModel();
    // tasks.json says stars is a 2-label classification; its saved head has one output.
    editTasks(m, "\"kind\": \"regression\",\n    \"min\": 0.0,\n    \"max\": 5.0",
        "\"kind\": \"classification\", \"labels\": [\"lo\", \"hi\"]");
    assertLoadFails(m)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mis-shaped heads.stars.dense.weight: checkpoint [1, 32], model [2, 32]")
        .hasMessageContaining("mis-shaped heads.stars.dense.bias");
  }

  @Test
  void missingOrUnexpectedHeadTensorsAreErrorsNamingThem() throws Exception {
    Path m = savedModel();
    editWeights(m, w -> {
      w.remove("heads.stars.dense.bias");
      w.put("heads.other.dense.bias", new HostTensor(new long[] {2}, new float[2]));
    });
    assertLoadFails(m)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing heads.stars.dense.bias [1]")
        .hasMessageContaining("unexpected heads.other.dense.bias [2]");
  }

  @Test
  void aModelWhoseOutputsAreNotFiniteMakesNoPrediction() throws Exception {
    Path m = savedModel();
    // A damaged checkpoint: one NaN in a head's bias. A NaN never wins an arg-max: it would read as label 0.
    editWeights(m, w -> w.put("heads.sentiment.dense.bias",
        new HostTensor(new long[] {2}, new float[] {0, Float.NaN})));
    Task sentiment = SyntheticTasks.sentiment(8, 4, 1);
    try (NDManager owner = NDManager.newBaseManager(); BamModel loaded = BamModel.load(m, owner)) {
      assertThatThrownBy(() -> loaded.predict("sentiment", sentiment.dev(), 32))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("sentiment example 0 (id " + sentiment.dev().get(0).id() + ") is NaN");
      // The other head is unaffected.
      assertThat(loaded.predict("stars", SyntheticTasks.stars(8, 4, 2).dev(), 32)).hasDimensions(4, 1);
    }
  }

  @Test
  void savedModelWithoutItsPoolerIsAnError() throws Exception {
    Path m = savedModel();
    editWeights(m, w -> w.keySet().removeIf(name -> name.startsWith("bert.pooler.")));
    assertLoadFails(m)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(m.resolve("model.safetensors").toString())
        .hasMessageContaining("missing pooler.dense.weight")
        .hasMessageContaining("missing pooler.dense.bias");
  }

  @Test
  void malformedTasksJsonIsAnErrorNamingTheFile() throws Exception {
    Path m = savedModel();
    Path file = m.resolve("tasks.json");
    for (String text : List.of("", "{", "{}", "[]", "[1]", "[{\"kind\": \"classification\", \"labels\": [\"a\", \"b\"]}]",
        "[{\"name\": \"sentiment\", \"kind\": \"classification\"}]",
        "[{\"name\": \"sentiment\", \"kind\": \"nominal\", \"labels\": [\"0\", \"1\"]}]",
        "[{\"name\": \"stars\", \"kind\": \"regression\", \"min\": \"low\", \"max\": 5}]",
        "[{\"name\": \"sentiment\", \"kind\": \"classification\", \"labels\": [\"0\", \"1\"]},"
            + " {\"name\": \"sentiment\", \"kind\": \"classification\", \"labels\": [\"0\", \"1\"]}]")) {
      Files.writeString(file, text);
      assertLoadFails(m).as(text)
          .isInstanceOf(IOException.class)
          .hasMessageContaining(file.toString());
    }
  }

  @Test
  void aModelRefusesTheOtherFormOfInputThanItsTaskWasTrainedOnAndSoDoesItsSavedCopy() throws Exception {
    List<Task> tasks = List.of(SyntheticTasks.sentiment(8, 4, 1), SyntheticTasks.answer(8, 4, 2));
    Example single = Example.of("s1", "a plain sentence", null);
    Example pair = Example.pair("p1", "a question", "yes it is", null);
    try (NDManager manager = NDManager.newBaseManager()) {
      BamModel model = BamModel.create(manager, SyntheticTasks.tinyEncoder(3).load(manager), tasks,
          ModelHeads.defaults());
      assertThat(model.inputs("sentiment")).isEqualTo(Inputs.SENTENCE);
      assertThat(model.inputs("answer")).isEqualTo(Inputs.PAIR);
      model.save(dir.resolve("m"));
    }
    assertThat(Files.readString(dir.resolve("m/tasks.json"))).contains("\"inputs\": \"pair\"")
        .contains("\"inputs\": \"sentence\"");
    try (NDManager manager = NDManager.newBaseManager(); BamModel loaded = BamModel.load(dir.resolve("m"), manager)) {
      assertThatThrownBy(() -> loaded.predict("answer", List.of(pair, single), 32))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("task answer was trained on sentence pairs, but example s1 is a single sentence");
      assertThatThrownBy(() -> loaded.predict("sentiment", List.of(pair), 32))
          .hasMessage("task sentiment was trained on single sentences, but example p1 is a sentence pair");
      assertThat(loaded.predict("answer", List.of(pair), 32)[0]).hasSize(2);
      assertThat(loaded.predict("sentiment", List.of(single), 32)[0]).hasSize(2);
    }
  }

  @Test
  void aModelSavedBeforeInputsWereRecordedReadsEither() throws Exception {
    saveAndPredict(ModelHeads.defaults(), dir.resolve("m"));
    Path file = dir.resolve("m/tasks.json");
    com.google.gson.JsonArray tasks = com.google.gson.JsonParser.parseString(Files.readString(file))
        .getAsJsonArray();
    tasks.forEach(t -> t.getAsJsonObject().remove("inputs"));
    Files.writeString(file, tasks.toString());
    try (NDManager manager = NDManager.newBaseManager(); BamModel loaded = BamModel.load(dir.resolve("m"), manager)) {
      assertThat(loaded.inputs("stars")).isEqualTo(Inputs.EITHER);
      assertThat(loaded.predict("stars", List.of(Example.of("s", "one", null), Example.pair("p", "one", "two",
          null)), 32)).hasNumberOfRows(2);
    }
    tasks.get(0).getAsJsonObject().addProperty("inputs", "triple");
    Files.writeString(file, tasks.toString());
    assertLoadFails(dir.resolve("m")).isInstanceOf(IOException.class)
        .hasMessageContaining(file + ": task sentiment: 'inputs' must be \"sentence\", \"pair\" or \"either\","
            + " got \"triple\"");
  }

  /** Dropout, a hidden layer of 16 with ReLU, and the output layer: a head that is not the standard one. */
  public static final class TwoLayerHead extends TaskHead {
    private final Dense hidden;
    private final Dense out;

    public TwoLayerHead(TaskKind kind, int hiddenSize, HeadOptions options) {
      hidden = addChildBlock("hidden", new Dense(hiddenSize, 16));
      out = addChildBlock("dense", new Dense(16, kind.outputSize()));
    }

    @Override
    public NDArray apply(ParameterStore store, NDArray pooled, boolean training) {
      return out.apply(store, Activation.relu(hidden.apply(store, pooled, training)), training);
    }
  }

  private static final List<Task> TASKS = List.of(SyntheticTasks.sentiment(8, 4, 1), SyntheticTasks.stars(8, 4, 2));

  private float[][] saveAndPredict(ModelHeads heads, Path to) throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      BamModel model = BamModel.create(manager, SyntheticTasks.tinyEncoder(3).load(manager),
          BamModel.kindsOf(TASKS), heads);
      model.save(to);
      return model.predict("stars", TASKS.get(1).dev(), 32);
    }
  }

  @Test
  void headOptionsAreSavedWithTheModelAndRestored() throws Exception {
    HeadOptions options = new HeadOptions(Pooling.MEAN, RegressionOutput.LINEAR);
    float[][] predictions = saveAndPredict(ModelHeads.defaults().withOptions(options), dir.resolve("m"));
    assertThat(Files.readString(dir.resolve("m/tasks.json"))).contains("\"pooling\": \"mean\"")
        .contains("\"regression_output\": \"linear\"").contains("\"type\": \"linear\"");
    try (NDManager manager = NDManager.newBaseManager(); BamModel loaded = BamModel.load(dir.resolve("m"), manager)) {
      assertThat(loaded.head("stars")).isEqualTo(new HeadSpec(HeadRegistry.STANDARD, options));
      assertThat(loaded.head("sentiment")).isEqualTo(new HeadSpec(HeadRegistry.STANDARD, options));
      assertThat(loaded.network().pooling("stars")).isEqualTo(Pooling.MEAN);
      assertThat(loaded.predict("stars", TASKS.get(1).dev(), 32)).isDeepEqualTo(predictions);
    }
  }

  @Test
  void aModelSavedBeforeHeadsWereRecordedLoadsWithTheStandardHead() throws Exception {
    float[][] predictions = saveAndPredict(ModelHeads.defaults(), dir.resolve("m"));
    // tasks.json as this library wrote it before head options: no "head" field.
    Path file = dir.resolve("m/tasks.json");
    com.google.gson.JsonArray tasks = com.google.gson.JsonParser.parseString(Files.readString(file))
        .getAsJsonArray();
    tasks.forEach(t -> t.getAsJsonObject().remove("head"));
    Files.writeString(file, tasks.toString());
    assertThat(Files.readString(file)).doesNotContain("head");
    try (NDManager manager = NDManager.newBaseManager(); BamModel loaded = BamModel.load(dir.resolve("m"), manager)) {
      assertThat(loaded.head("stars")).isEqualTo(HeadSpec.STANDARD);
      assertThat(loaded.network().pooling("stars")).isEqualTo(Pooling.CLS_POOLER);
      assertThat(loaded.predict("stars", TASKS.get(1).dev(), 32)).isDeepEqualTo(predictions);
    }
  }

  @Test
  void aCustomHeadIsSavedByNameAndLoadsWithItsRegistration() throws Exception {
    ModelHeads heads = ModelHeads.defaults().withHead("stars", "two-layer", TwoLayerHead::new);
    float[][] predictions = saveAndPredict(heads, dir.resolve("m"));
    assertThat(Files.readString(dir.resolve("m/tasks.json"))).contains("\"type\": \"two-layer\"");

    assertLoadFails(dir.resolve("m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.resolve("m/tasks.json").toString())
        .hasMessageContaining("task stars uses head 'two-layer', which is not registered");
    try (NDManager manager = NDManager.newBaseManager();
        BamModel loaded = BamModel.load(dir.resolve("m"), manager, heads.registry())) {
      assertThat(loaded.head("stars").type()).isEqualTo("two-layer");
      assertThat(loaded.head("sentiment")).isEqualTo(HeadSpec.STANDARD);
      assertThat(loaded.weights()).containsKeys("heads.stars.hidden.weight", "heads.stars.dense.bias");
      assertThat(loaded.predict("stars", TASKS.get(1).dev(), 32)).isDeepEqualTo(predictions);
    }
    // Another head registered under the name does not fit the saved weights: an error, not a random head.
    try (NDManager manager = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> BamModel.load(dir.resolve("m"), manager,
          HeadRegistry.standard().with("two-layer", Heads::forTask)))
          .hasMessageContaining("unexpected heads.stars.hidden.weight");
    }
  }

  @Test
  void aHeadWithTheWrongNumberOfOutputsIsAnErrorNamingIt() throws Exception {
    ModelHeads heads = ModelHeads.defaults().withHead("sentiment", "one-output",
        (kind, hidden, options) -> Heads.forTask(new TaskKind.Regression(0, 1), hidden, options));
    try (NDManager manager = NDManager.newBaseManager()) {
      PretrainedEncoder encoder = SyntheticTasks.tinyEncoder(3).load(manager);
      assertThatThrownBy(() -> BamModel.create(manager, encoder, BamModel.kindsOf(TASKS), heads))
          .hasMessageContaining("'one-output' head of task sentiment")
          .hasMessageContaining("(1, 2)");
      encoder.tokenizer().close();
    }
  }
}
