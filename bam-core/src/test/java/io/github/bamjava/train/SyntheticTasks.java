package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.encoder.BertConfig;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.task.TaskMetrics;
import io.github.bamjava.weights.HostTensor;
import io.github.bamjava.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Generated tasks that a tiny random-initialised BERT learns in seconds: a sentiment task, a sentence-pair
 * task and a regression task, over a small generated vocabulary.
 */
public final class SyntheticTasks {
  private SyntheticTasks() {}

  public static final List<String> POSITIVE = List.of("good", "great", "fine", "nice");
  static final List<String> NEGATIVE = List.of("bad", "awful", "poor", "sad");
  public static final List<String> FILLER = fillers(40);

  /** [PAD] [UNK] [CLS] [SEP] [MASK], the sentiment words, "star", "yes", "no", then filler words. */
  public static List<String> vocabulary() {
    List<String> vocab = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
    vocab.addAll(POSITIVE);
    vocab.addAll(NEGATIVE);
    vocab.addAll(List.of("star", "yes", "no"));
    vocab.addAll(FILLER);
    return vocab;
  }

  /** A 2-layer, hidden-32 BERT config over {@link #vocabulary()}. */
  public static BertConfig tinyConfig() {
    return new BertConfig(vocabulary().size(), 32, 2, 4, 64, 64, 2, 1e-12f, 0.1f, 0.1f, "gelu");
  }

  public static EncoderSource tinyEncoder(long seed) {
    return EncoderSource.random(tinyConfig(), vocabulary(), seed);
  }

  /**
   * The trainer the tests share: the tiny encoder (seed 7) on {@code tasks}, learning rate 2e-3, batch 16, max
   * length 32, seed 11; each test adds its epochs, checkpoints and the rest.
   */
  public static BornAgainTrainer.Builder tinyTrainer(Path out, List<Task> tasks) {
    return BornAgainTrainer.builder()
        .setEncoder(tinyEncoder(7))
        .addTasks(tasks)
        .setOutputDir(out)
        .optLearningRate(2e-3)
        .optBatchSize(16)
        .optMaxLength(32)
        .optSeed(11);
  }

  /**
   * Runs a training straight, then again killed in the middle of its third checkpoint write (checkpoints every 3
   * steps) and resumed, and checks that both end with the same weights, bit for bit, and the same dev scores.
   *
   * @param trainer the run's settings, for an output directory; it must last more than 9 steps
   * @return the uninterrupted run
   */
  public static RunResult assertKilledRunResumesExactly(Path dir, Function<Path, BornAgainTrainer.Builder> trainer)
      throws Exception {
    RunResult straight = trainer.apply(dir.resolve("straight")).optCheckpointEvery(3).build().train();

    Path out = dir.resolve("killed");
    int[] writes = {0};
    BornAgainTrainer killed = trainer.apply(out).optCheckpointEvery(3)
        .checkpointHook(() -> {
          if (++writes[0] == 3) {
            throw new IllegalStateException("killed");
          }
        })
        .build();
    assertThatThrownBy(killed::train).hasMessage("killed");
    assertThat(Files.readString(out.resolve("checkpoints/LATEST")).trim()).isEqualTo("step-6");
    RunResult resumed = trainer.apply(out).optCheckpointEvery(3).build().train();

    assertThat(savedWeights(resumed)).isEqualTo(savedWeights(straight));
    assertThat(resumed.finalDev()).isEqualTo(straight.finalDev());
    return straight;
  }

  /** The final weights a run saved, to compare two runs. */
  public static Map<String, HostTensor> savedWeights(RunResult run) throws IOException {
    return SafeTensors.read(run.modelDir().resolve("model.safetensors"));
  }

  /** Single sentences; label "1" when the sentiment word is positive. */
  public static Task sentiment(int train, int dev, long seed) {
    Random r = new Random(seed);
    return Task.builder("sentiment", TaskKind.Classification.of("0", "1"))
        .setTrain(sentimentExamples(train, r, "t"))
        .optDev(sentimentExamples(dev, r, "d"))
        .build();
  }

  private static List<Example> sentimentExamples(int n, Random r, String prefix) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean positive = r.nextBoolean();
      String word = (positive ? POSITIVE : NEGATIVE).get(r.nextInt(4));
      out.add(Example.of(prefix + i, sentence(r, word), positive ? "1" : "0"));
    }
    return out;
  }

  /** Sentence pairs; "entailment" when the second sentence says "yes", else "not_entailment". */
  public static Task answer(int train, int dev, long seed) {
    Random r = new Random(seed);
    return Task.builder("answer", TaskKind.Classification.of("entailment", "not_entailment"))
        .setTrain(answerExamples(train, r, "t"))
        .optDev(answerExamples(dev, r, "d"))
        .build();
  }

  private static List<Example> answerExamples(int n, Random r, String prefix) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean yes = r.nextBoolean();
      out.add(Example.pair(prefix + i, sentence(r, null), sentence(r, yes ? "yes" : "no"),
          yes ? "entailment" : "not_entailment"));
    }
    return out;
  }

  /** Regression on [0, 5]: the number of times "star" occurs. */
  public static Task stars(int train, int dev, long seed) {
    Random r = new Random(seed);
    return Task.builder("stars", new TaskKind.Regression(0, 5))
        .setTrain(starExamples(train, r, "t"))
        .optDev(starExamples(dev, r, "d"))
        .optMetrics(TaskMetrics.PEARSON)
        .build();
  }

  private static List<Example> starExamples(int n, Random r, String prefix) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int stars = r.nextInt(6);
      StringBuilder sb = new StringBuilder(sentence(r, null));
      for (int s = 0; s < stars; s++) {
        sb.append(" star");
      }
      out.add(Example.of(prefix + i, sb.toString(), Integer.toString(stars)));
    }
    return out;
  }

  private static String sentence(Random r, String keyword) {
    int length = 3 + r.nextInt(5);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      words.add(FILLER.get(r.nextInt(FILLER.size())));
    }
    if (keyword != null) {
      words.add(r.nextInt(words.size() + 1), keyword);
    }
    return String.join(" ", words);
  }

  private static List<String> fillers(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("w" + (char) ('a' + i / 26) + (char) ('a' + i % 26));
    }
    return out;
  }
}
