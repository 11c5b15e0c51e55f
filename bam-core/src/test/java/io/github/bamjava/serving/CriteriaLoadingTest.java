package io.github.bamjava.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.DeferredTranslatorFactory;
import ai.djl.translate.TranslateException;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.eval.Evaluation;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.train.SyntheticTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saved model loads through DJL's {@code Criteria} with the PyTorch engine and answers every dev example as
 * {@code BamModel.predict} does, for a single-sentence, a pair and a regression task sharing one copy of the
 * weights, from one thread or several.
 */
class CriteriaLoadingTest {

  /** The tiny encoder's positions: the default length of both paths. */
  private static final int MAX_LENGTH = 64;

  @TempDir static Path dir;

  private static Path modelDir;
  private static final List<Task> TASKS = List.of(SyntheticTasks.sentiment(48, 40, 1),
      SyntheticTasks.answer(48, 40, 2), SyntheticTasks.stars(48, 40, 3));
  /** BamModel.predict's outputs on each task's dev set, in task order. */
  private static final List<float[][]> EXPECTED = new ArrayList<>();

  @BeforeAll
  static void trainATinyModel() throws Exception {
    modelDir = SyntheticTasks.tinyTrainer(dir.resolve("run"), TASKS).optEpochs(1).build().train().modelDir();
    try (NDManager owner = NDManager.newBaseManager(); BamModel model = BamModel.load(modelDir, owner)) {
      for (Task task : TASKS) {
        EXPECTED.add(model.predict(task.name(), task.dev(), MAX_LENGTH));
      }
    }
  }

  private static <I, O> ZooModel<I, O> load(Class<I> input, Class<O> output, String task) throws Exception {
    return Criteria.builder()
        .setTypes(input, output)
        .optModelPath(modelDir)
        .optEngine("PyTorch")
        .optTranslatorFactory(new BamTranslatorFactory())
        .optArgument("task", task)
        .build()
        .loadModel();
  }

  private static List<String> sentences(Task task) {
    return task.dev().stream().map(Example::textA).toList();
  }

  private static List<TextPair> pairs(Task task) {
    return task.dev().stream().map(e -> new TextPair(e.textA(), e.textB())).toList();
  }

  @Test
  void aSavedModelHasTheServingPropertiesDjlReads() throws Exception {
    assertThat(Files.readString(modelDir.resolve(BamModel.SERVING_PROPERTIES)))
        .contains("engine=PyTorch", "blockFactory=io.github.bamjava.predict.BamBlockFactory",
            "translatorFactory=" + BamTranslatorFactory.class.getName(), "option.hasParameter=false");
  }

  @Test
  void everyTaskAnswersItsDevSetAsBamModelPredictDoesWithOneCopyOfTheWeights() throws Exception {
    try (ZooModel<String, Classifications> model = load(String.class, Classifications.class, "sentiment");
        Predictor<String, Classifications> sentiment = model.newPredictor();
        Predictor<TextPair, Classifications> answer = model.newPredictor(new BamTranslatorFactory()
            .newInstance(TextPair.class, Classifications.class, model, Map.of("task", "answer")));
        Predictor<String, Float> stars = model.newPredictor(new BamTranslatorFactory()
            .newInstance(String.class, Float.class, model, Map.of("task", "stars")))) {
      assertThat(model.getBlock()).isInstanceOf(ServableModel.class);
      assertThat(((ServableModel) model.getBlock()).tasks()).containsExactly("sentiment", "answer", "stars");
      // One batch holding the whole dev set, padded to its longest input. BamModel.predict runs its batches in fixed
      // shapes (longer padding, placeholder rows), whose kernels may sum in another order: the same answers up to
      // the last bits of a float.
      assertSameClassifications(sentiment.batchPredict(sentences(TASKS.get(0))), TASKS.get(0), EXPECTED.get(0));
      assertSameClassifications(answer.batchPredict(pairs(TASKS.get(1))), TASKS.get(1), EXPECTED.get(1));
      List<Float> scores = stars.batchPredict(sentences(TASKS.get(2)));
      for (int i = 0; i < scores.size(); i++) {
        float expected = (float) Evaluation.prediction(TASKS.get(2).kind(), EXPECTED.get(2)[i]);
        assertThat(scores.get(i)).as("stars dev %s", i).isCloseTo(expected, Offset.offset(1e-6f));
      }
      // One at a time each input is padded to its own length only: other matrix shapes, so the last bits of a
      // float may differ (the attention over padding adds exact zeros, but the kernels sum in other orders).
      for (int i = 0; i < 10; i++) {
        Classifications one = sentiment.predict(sentences(TASKS.get(0)).get(i));
        for (int k = 0; k < 2; k++) {
          assertThat(one.getProbabilities().get(k)).isCloseTo(EXPECTED.get(0)[i][k],
              Offset.offset(1e-6));
        }
      }
    }
  }

  private static void assertSameClassifications(List<Classifications> got, Task task, float[][] expected) {
    assertThat(got).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      Classifications c = got.get(i);
      assertThat(c.getClassNames()).as("%s dev %s", task.name(), i)
          .containsExactlyElementsOf(((io.github.bamjava.task.TaskKind.Classification) task.kind()).labels());
      for (int k = 0; k < expected[i].length; k++) {
        assertThat(c.getProbabilities().get(k).floatValue()).as("%s dev %s class %s", task.name(), i, k)
            .isCloseTo(expected[i][k], Offset.offset(1e-6f));
      }
    }
  }

  @Test
  void severalThreadsPredictingAtOnceGiveTheAnswersOfOneThread() throws Exception {
    List<TextPair> inputs = pairs(TASKS.get(1));
    try (ZooModel<TextPair, Classifications> model = load(TextPair.class, Classifications.class, "answer")) {
      List<List<Double>> alone = new ArrayList<>();
      try (Predictor<TextPair, Classifications> predictor = model.newPredictor()) {
        for (List<TextPair> batch : batches(inputs)) {
          predictor.batchPredict(batch).forEach(c -> alone.add(c.getProbabilities()));
        }
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<List<List<Double>>>> runs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          runs.add(pool.submit(() -> {
            List<List<Double>> out = new ArrayList<>();
            // A predictor per thread, as DJL asks; all of them read the model's one block.
            try (Predictor<TextPair, Classifications> predictor = model.newPredictor()) {
              for (List<TextPair> batch : batches(inputs)) {
                predictor.batchPredict(batch).forEach(c -> out.add(c.getProbabilities()));
              }
            }
            return out;
          }));
        }
        for (Future<List<List<Double>>> run : runs) {
          assertThat(run.get()).isEqualTo(alone);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** Batches of 1 to 7 inputs, so that threads run batches of other shapes at the same time. */
  private static List<List<TextPair>> batches(List<TextPair> inputs) {
    List<List<TextPair>> out = new ArrayList<>();
    int size = 1;
    for (int start = 0; start < inputs.size(); start += size, size = size % 7 + 1) {
      out.add(inputs.subList(start, Math.min(inputs.size(), start + size)));
    }
    return out;
  }

  @Test
  void djlServingsRouteReadsTheFactoryFromServingPropertiesAndAnswersJson() throws Exception {
    try (ZooModel<Input, Output> model = Criteria.builder()
        .setTypes(Input.class, Output.class)
        .optModelPath(modelDir)
        .optEngine("PyTorch")
        .optTranslatorFactory(new DeferredTranslatorFactory())
        .optArgument("task", "stars")
        .build()
        .loadModel();
        Predictor<Input, Output> predictor = model.newPredictor()) {
      List<Input> requests = new ArrayList<>();
      for (Example e : TASKS.get(2).dev()) {
        Input in = new Input();
        JsonObject body = new JsonObject();
        body.addProperty("text", e.textA());
        in.add(body.toString());
        requests.add(in);
      }
      List<Output> answers = predictor.batchPredict(requests);
      for (int i = 0; i < answers.size(); i++) {
        JsonObject json = JsonParser.parseString(answers.get(i).getData().getAsString()).getAsJsonObject();
        // Within a few units in the last place: the route batches its requests in other shapes than
        // BamModel.predict, and a matrix product of other shapes may round its sums differently.
        float expected = (float) Evaluation.prediction(TASKS.get(2).kind(), EXPECTED.get(2)[i]);
        assertThat(json.get("score").getAsFloat()).as("stars dev %s", i)
            .isCloseTo(expected, within(4 * Math.ulp(expected)));
      }
      Input plain = new Input();
      plain.add("wab star star");
      assertThat(predictor.predict(plain).getData().getAsString()).startsWith("{\"score\":");
    }
  }

  @Test
  void aWrongTaskOrTypeIsAClearError() throws Exception {
    assertThatThrownBy(() -> load(String.class, Classifications.class, "sentimnet"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no task 'sentimnet'").hasMessageContaining("[sentiment, answer, stars]");
    assertThatThrownBy(() -> load(String.class, Float.class, "sentiment"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sentiment is a classification task").hasMessageContaining("not java.lang.Float");
    assertThatThrownBy(() -> load(String.class, Classifications.class, "stars"))
        .hasMessageContaining("stars is a regression task");
    assertThatThrownBy(() -> load(Integer.class, Classifications.class, "sentiment"))
        .hasMessageContaining("cannot read input of type java.lang.Integer");
    assertThatThrownBy(() -> Criteria.builder().setTypes(String.class, Classifications.class)
        .optModelPath(modelDir).optEngine("PyTorch").optTranslatorFactory(new BamTranslatorFactory())
        .optArgument("task", "sentiment").optArgument("maxLength", "512").build().loadModel())
        .hasMessageContaining("maxLength must be between 3 and the encoder's 64 positions, got 512");
    assertThatThrownBy(() -> Criteria.builder().setTypes(String.class, Classifications.class)
        .optModelPath(modelDir).optEngine("PyTorch").optTranslatorFactory(new BamTranslatorFactory())
        .build().loadModel())
        .hasMessageContaining("several tasks [sentiment, answer, stars]").hasMessageContaining("'task'");
    try (ZooModel<String, Classifications> model = load(String.class, Classifications.class, "answer");
        Predictor<String, Classifications> predictor = model.newPredictor()) {
      // A pair task's head answers a lone sentence as confidently as a pair: refused, not guessed.
      assertThatThrownBy(() -> predictor.batchPredict(List.of(new String[] {"wab yes", "wac no"})))
          .isInstanceOf(TranslateException.class)
          .hasMessageContaining("task answer was trained on sentence pairs, but input 0 of the batch is a single"
              + " sentence: give a TextPair");
    }
  }

  @Test
  void aModelThatIsNotBamsIsRefusedByName() {
    try (Model plain = Model.newInstance("plain", "PyTorch")) {
      assertThatThrownBy(() -> new BamTranslatorFactory().newInstance(String.class, Classifications.class, plain,
          Map.of()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a BAM model");
    }
  }
}
