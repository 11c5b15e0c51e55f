package io.github.bamjava.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.bamjava.model.ModelHeads;
import io.github.bamjava.runtime.GracefulStop;
import io.github.bamjava.runtime.RunStoppedException;
import io.github.bamjava.sampling.PaddedBatch;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.text.EncodedPair;
import io.github.bamjava.train.SyntheticTasks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prediction over an iterator: the same outputs as over a list, handed over window by window in input order, and
 * nothing read in good order lost when the input turns bad, the writer fails or a stop is requested.
 */
class StreamingPredictionTest {

  private static final Task SENTIMENT = SyntheticTasks.sentiment(50, 0, 1);
  private static final Task ANSWER = SyntheticTasks.answer(4, 0, 2);
  private static NDManager manager;
  private static BamModel model;

  @BeforeAll
  static void model() throws IOException {
    manager = NDManager.newBaseManager();
    model = BamModel.create(manager, SyntheticTasks.tinyEncoder(3).load(manager), List.of(SENTIMENT, ANSWER),
        ModelHeads.defaults());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @AfterEach
  void clearStop() {
    GracefulStop.clear();
  }

  private static BatchPredictor predictor() {
    return new BatchPredictor(model.network(), model.tokenizer(), 32, 4);
  }

  /** What a sink received: the examples and their outputs, in the order handed over, and each window's size. */
  private static final class Received implements PredictionSink {
    final List<Example> examples = new ArrayList<>();
    final List<float[]> outputs = new ArrayList<>();
    final List<Integer> windows = new ArrayList<>();

    @Override
    public void accept(List<Example> batch, float[][] out) throws IOException {
      assertThat(out.length).isEqualTo(batch.size());
      examples.addAll(batch);
      outputs.addAll(List.of(out));
      windows.add(batch.size());
    }
  }

  /**
   * Batches run in fixed shapes (lengths rounded up, placeholder rows, padding positions computed to round the
   * packed tokens) give each example the output it has alone, unpadded, up to float rounding: the attention mask
   * hides every padding position and placeholder row from the tokens. The inputs' lengths (3 to 34 tokens, cut to
   * 32) span four padded lengths, and 45 examples in batches of 12 leave a short batch padded with placeholders.
   */
  @Test
  void eachOutputIsTheExamplesOutputAloneWhateverItsBatch() {
    List<String> words = SyntheticTasks.FILLER;
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < 45; i++) {
      StringBuilder text = new StringBuilder(SyntheticTasks.POSITIVE.get(i % 4));
      for (int w = 0; w < (i * 7) % 33; w++) {
        text.append(' ').append(words.get((i + w) % words.size()));
      }
      examples.add(Example.of("e" + i, text.toString(), null));
    }
    float[][] batched = new BatchPredictor(model.network(), model.tokenizer(), 32, 12)
        .predict(manager, SENTIMENT.name(), SENTIMENT.kind(), examples);

    ParameterStore store = new ParameterStore(manager, false);
    int head = model.network().taskNames().indexOf(SENTIMENT.name());
    for (int i = 0; i < examples.size(); i++) {
      try (NDManager alone = manager.newSubManager()) {
        EncodedPair e = model.tokenizer().encode(examples.get(i).textA(), null, 32);
        NDList inputs = PaddedBatch.inputs(alone, List.of(e), model.tokenizer().padId(),
            model.network().encoder().config());
        float[] expected = model.network().forward(store, inputs, false).get(head).softmax(1).toFloatArray();
        assertThat(batched[i]).as("example %s (%s tokens)", i, e.length())
            .containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void windowsHandOverTheListsOutputsInInputOrder() throws IOException {
    List<Example> train = SENTIMENT.train();
    float[][] whole = model.predict(SENTIMENT.name(), train, 32);
    Received got = new Received();

    long n = predictor().predict(manager, SENTIMENT.name(), SENTIMENT.kind(), train.iterator(), 7, got);

    assertThat(n).isEqualTo(50);
    assertThat(got.windows).containsExactly(7, 7, 7, 7, 7, 7, 7, 1);
    assertThat(got.examples).isEqualTo(train);
    for (int i = 0; i < whole.length; i++) {
      assertThat(got.outputs.get(i)).as("example %s", i).containsExactly(whole[i],
          org.assertj.core.data.Offset.offset(1e-5f));
    }

    Received viaModel = new Received();
    assertThat(model.predict(SENTIMENT.name(), train.iterator(), 32, viaModel)).isEqualTo(50);
    assertThat(viaModel.examples).isEqualTo(train);
    assertThat(viaModel.windows).containsExactly(50);
  }

  @Test
  void anEmptyInputPredictsNothing() throws IOException {
    Received got = new Received();
    assertThat(model.predict(SENTIMENT.name(), List.<Example>of().iterator(), 32, got)).isZero();
    assertThat(got.windows).isEmpty();
  }

  @Test
  void anInputRefusedMidWindowComesAfterTheOutputsOfTheInputsBeforeIt() {
    List<Example> train = SENTIMENT.train();
    Iterator<Example> failsAtTen = new Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Example next() {
        if (i == 10) {
          throw new IllegalArgumentException("line 11 is blank");
        }
        return train.get(i++);
      }
    };
    Received got = new Received();

    assertThatThrownBy(() -> predictor().predict(manager, SENTIMENT.name(), SENTIMENT.kind(), failsAtTen, 7, got))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("line 11 is blank");
    assertThat(got.examples).isEqualTo(train.subList(0, 10));
    assertThat(got.windows).containsExactly(7, 3);
  }

  @Test
  void aPairForASingleSentenceTaskIsRefusedAfterTheSentencesBeforeIt() {
    List<Example> mixed = List.of(SENTIMENT.train().get(0), SENTIMENT.train().get(1), ANSWER.train().get(0));
    Received got = new Received();

    assertThatThrownBy(() -> model.predict(SENTIMENT.name(), mixed.iterator(), 32, got))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task sentiment was trained on single sentences")
        .hasMessageContaining("example t0 is a sentence pair");
    assertThat(got.examples).isEqualTo(mixed.subList(0, 2));
  }

  @Test
  void aFailingWriterStopsThePredictionWithItsError() {
    PredictionSink full = (examples, outputs) -> {
      throw new IOException("No space left on device");
    };
    assertThatThrownBy(() -> model.predict(SENTIMENT.name(), SENTIMENT.train().iterator(), 32, full))
        .isInstanceOf(IOException.class).hasMessage("No space left on device");
  }

  @Test
  void aStopOnRequestKeepsTheWindowsHandedOverAndSaysHowFarItGot() {
    Received got = new Received();
    PredictionSink stopAfterFirst = (examples, outputs) -> {
      got.accept(examples, outputs);
      GracefulStop.requestShutdown();
    };

    assertThatThrownBy(() -> predictor().predict(manager, SENTIMENT.name(), SENTIMENT.kind(),
        SENTIMENT.train().iterator(), 7, stopAfterFirst))
        .isInstanceOf(RunStoppedException.class)
        .hasMessage("prediction of sentiment stopped on request after 7 inputs: their outputs were handed over,"
            + " input 8 onwards was not predicted");
    assertThat(got.examples).isEqualTo(SENTIMENT.train().subList(0, 7));
  }
}
