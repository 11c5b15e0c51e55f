package consumer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.task.Example;
import io.github.bamjava.task.Task;
import io.github.bamjava.task.TaskKind;
import io.github.bamjava.train.BornAgainTrainer;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A fresh project's first run, built by .ci/consumer.sh against the installed artifacts with nothing but the
 * README's dependency block: the embedded MiniLM (bam-minilm) loads into PyTorch through the CPU natives that
 * bam-core's platform profile brings, offline, and a trainer builds the way the README's snippet builds one.
 * The snippet itself is compiled next to this class (ReadmeSnippet, generated from README.md) but not run: it
 * trains four models.
 */
public final class Main {

  public static void main(String[] args) throws Exception {
    Method snippet = Class.forName("consumer.ReadmeSnippet").getDeclaredMethod("run", Task.class, Task.class,
        Task.class, Path.class);
    System.out.println("README snippet compiled: " + snippet);

    try (NDManager manager = NDManager.newBaseManager()) {
      var minilm = EncoderSource.miniLm().load(manager);
      var config = minilm.encoder().config();
      long parameters = minilm.encoder().namedParameters().values().stream()
          .mapToLong(p -> p.getArray().size()).sum();
      var ids = minilm.tokenizer().encode("The born-again student learns from its teachers.", 128).inputIds();
      System.out.printf("encoder %s: %d layers, hidden %d, %d parameters; engine %s %s on %s%n",
          minilm.description(), config.numHiddenLayers(), config.hiddenSize(), parameters,
          Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(),
          manager.getDevice());
      System.out.printf("tokenizer: %d ids, [CLS] %d ... [SEP] %d%n", ids.length, ids[0], ids[ids.length - 1]);
      check(config.numHiddenLayers() == 6 && config.hiddenSize() == 384, "not MiniLM-L6-H384: " + config);
      check(parameters > 22_000_000, "MiniLM has 22.7M parameters, loaded " + parameters);
      check(ids.length > 2 && ids[0] == 101 && ids[ids.length - 1] == 102, "not [CLS] … [SEP]");
    }

    Path out = Files.createTempDirectory("bam-consumer");
    Task task = Task.builder("reviews", TaskKind.Classification.of("neg", "pos"))
        .setTrain(List.of(Example.of("r1", "A warm, funny film.", "pos"),
            Example.of("r2", "Two hours I will not get back.", "neg")))
        .build();
    var trainer = BornAgainTrainer.builder()
        .setEncoder(EncoderSource.miniLm())
        .addTask(task)
        .optLearningRate(5e-5)
        .setOutputDir(out.resolve("teacher-" + task.name()))
        .build();
    System.out.println("trainer built: " + trainer.getClass().getSimpleName() + " for task " + task.name());
    try (var files = Files.walk(out)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    System.out.println("consumer OK");
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
