package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.bamjava.encoder.Architecture;
import io.github.bamjava.encoder.EncoderSource;
import io.github.bamjava.encoder.HfFixtures;
import io.github.bamjava.encoder.PretrainedEncoder;
import io.github.bamjava.internal.io.NativeMemory;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.runtime.TorchEngine;
import io.github.bamjava.task.Task;
import io.github.bamjava.text.EncodedPair;
import io.github.bamjava.text.HfPairTokenizer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whoever creates a resource closes it: a model frees what it allocated and nothing its caller passed in, and a
 * load that fails frees everything it had allocated.
 */
class ModelOwnershipTest {

  private static final List<Task> TASKS = List.of(SyntheticTasks.sentiment(8, 4, 1));

  @TempDir Path dir;

  @Test
  void closingALoadedModelLeavesTheCallersManagerOpenAndAsItWas() throws Exception {
    Path saved = savedModel(SyntheticTasks.tinyEncoder(3));
    try (NDManager manager = TorchEngine.newManager()) {
      int before = manager.getManagedArrays().size();
      BamModel model = BamModel.load(saved, manager);
      assertThat(manager.getManagedArrays().size()).isGreaterThan(before);
      model.close();
      model.close();
      assertThat(manager.isOpen()).isTrue();
      assertThat(manager.getManagedArrays()).hasSize(before);
      // Still the caller's to use, and to load into again.
      assertThat(manager.zeros(new Shape(2)).toFloatArray()).containsExactly(0f, 0f);
      try (BamModel again = BamModel.load(saved, manager)) {
        assertThat(again.predict("sentiment", TASKS.get(0).dev(), 32)).hasNumberOfRows(4);
      }
    }
  }

  @Test
  void aCreatedModelLeavesTheEncoderItWasGivenToItsOwner() throws Exception {
    try (NDManager manager = TorchEngine.newManager();
        PretrainedEncoder encoder = EncoderSource.huggingFace(HfFixtures.checkpoint(Architecture.BERT))
            .load(manager)) {
      int encoderArrays = manager.getManagedArrays().size();
      try (BamModel model = BamModel.create(manager, encoder, BamModel.kindsOf(TASKS))) {
        assertThat(model.predict("sentiment", TASKS.get(0).dev(), 32)).hasNumberOfRows(4);
      }
      // The heads are gone with the model; the encoder's weights and its (native) tokenizer are still there.
      assertThat(manager.getManagedArrays()).hasSize(encoderArrays);
      EncodedPair encoded = encoder.tokenizer().encode("still open", null, 16);
      assertThat(encoded.length()).isGreaterThan(2);
    }
  }

  /**
   * A model whose {@code tasks.json} no longer fits its head tensors fails to load after the encoder, its native
   * tokenizer and the network were made. A thousand such loads leave the caller's manager as it was (DJL's
   * accounting), no native tokenizer open, and the process's resident memory outside the Java heap flat over the
   * second 500 loads: a generous bound; the exact checks are the first two. A leak grows with every load; what the
   * first loads add is malloc keeping freed memory (after an earlier test of this JVM set the training settings, a
   * 256 MiB top pad per arena), which levels off. The heap's committed size is left out because the JVM grows it
   * when collections take long, as they do on a loaded machine, which is not a leak either.
   */
  @Test
  void aThousandFailedLoadsLeakNothing() throws Exception {
    Path saved = savedModel(EncoderSource.huggingFace(HfFixtures.checkpoint(Architecture.BERT)));
    assertThat(saved.resolve("tokenizer.json")).exists();
    Path tasks = saved.resolve("tasks.json");
    Files.writeString(tasks, Files.readString(tasks).replace("\"1\"\n", "\"1\",\n \"2\"\n"));
    try (NDManager manager = TorchEngine.newManager()) {
      int tokenizers = HfPairTokenizer.openCount();
      for (int i = 0; i < 500; i++) {
        failToLoad(saved, manager);
      }
      long before = residentOutsideHeapKb();
      for (int i = 0; i < 500; i++) {
        failToLoad(saved, manager);
      }
      long grown = residentOutsideHeapKb() - before;
      assertThat(manager.getManagedArrays()).isEmpty();
      assertThat(manager.isOpen()).isTrue();
      assertThat(HfPairTokenizer.openCount()).as("native tokenizers left open").isEqualTo(tokenizers);
      if (before > 0) {
        assertThat(grown).as("growth of resident memory outside the Java heap over the second 500 failed loads, KiB")
            .isLessThan(48 * 1024);
      }
    }
  }

  @Test
  void aRunRefusedForItsMaxLengthClosesTheTokenizerItLoaded() {
    int open = HfPairTokenizer.openCount();
    // The fixture has 64 positions; 128 is a valid max length that it cannot take.
    BornAgainTrainer trainer = SyntheticTasks.tinyTrainer(dir.resolve("run"), TASKS)
        .setEncoder(EncoderSource.huggingFace(HfFixtures.checkpoint(Architecture.BERT)))
        .optMaxLength(128)
        .build();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(trainer::train)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("max length 128 is longer than the 64 positions");
    }
    assertThat(HfPairTokenizer.openCount()).isEqualTo(open);
  }

  private static void failToLoad(Path saved, NDManager manager) {
    assertThatThrownBy(() -> BamModel.load(saved, manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heads.sentiment.dense.weight");
  }

  /** A one-task model on {@code encoder}, saved in {@code dir/m}. */
  private Path savedModel(EncoderSource source) throws IOException {
    try (NDManager manager = TorchEngine.newManager();
        PretrainedEncoder encoder = source.load(manager);
        BamModel model = BamModel.create(manager, encoder, BamModel.kindsOf(TASKS))) {
      model.save(dir.resolve("m"));
    }
    return dir.resolve("m");
  }

  /**
   * The process's resident set less the Java heap's committed size, in KiB, after a collection and malloc's free
   * memory handed back; 0 where there is no /proc/self/status.
   */
  private static long residentOutsideHeapKb() throws IOException, InterruptedException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return 0;
    }
    // Native memory that dead Java objects hold is freed by cleaners after a collection, on their own thread: collect,
    // give them time, and only then hand malloc's free memory back, or it stays resident and looks like a leak.
    System.gc();
    Thread.sleep(200);
    System.gc();
    NativeMemory.releaseFreed();
    long heapKb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024;
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Math.max(1, Long.parseLong(line.replaceAll("[^0-9]", "")) - heapKb);
      }
    }
    return 0;
  }
}
