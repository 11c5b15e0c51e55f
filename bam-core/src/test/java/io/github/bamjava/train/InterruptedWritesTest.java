package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The next run in a folder removes the temporary files and folders that writes killed part-way left there. */
class InterruptedWritesTest {

  @TempDir Path dir;

  @Test
  void aRunRemovesTheLeftoversOfKilledWritesInItsFolder() throws Exception {
    Path out = Files.createDirectories(dir.resolve("run"));
    Path file = Files.writeString(out.resolve(".result.json.7c1f.tmp"), "{\"epo");
    Path folder = Files.createDirectories(out.resolve("model.tmp-2b")).resolve("model.safetensors");
    Files.writeString(folder, "partial");

    SyntheticTasks.tinyTrainer(out, List.of(SyntheticTasks.sentiment(16, 4, 1))).optEpochs(1).build().train();

    assertThat(file).doesNotExist();
    assertThat(out.resolve("model.tmp-2b")).doesNotExist();
    assertThat(out.resolve("model")).isDirectory();
  }
}
