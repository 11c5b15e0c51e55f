package io.github.bamjava.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.train.BornAgainTrainer;
import io.github.bamjava.train.SyntheticTasks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code bam} command line's logging, as a user sees it: a separate JVM (logging is configured once per JVM,
 * and this one's is the test run's) that loads the PyTorch engine to predict with a tiny model.
 */
class CliLoggingTest {

  @TempDir Path tmp;

  private record Run(int exitCode, String out, String err) {}

  @Test
  void djlStaysQuietUnlessVerbose() throws Exception {
    Path model = BornAgainTrainer.builder()
        .setEncoder(SyntheticTasks.tinyEncoder(3))
        .addTask(SyntheticTasks.sentiment(16, 4, 1))
        .setOutputDir(tmp.resolve("run"))
        .optEpochs(1)
        .optBatchSize(16)
        .optMaxLength(32) // the tiny encoder has 64 positions
        .build()
        .train()
        .modelDir();

    Run quiet = bam("predict", "--model", model.toString(), "--task", "sentiment", "good waa wab");
    assertThat(quiet.exitCode()).as(quiet.err()).isZero();
    assertThat(quiet.out().lines()).hasSize(1);
    // DJL's engine start-up lines (info) and its CUDA probe (a warning on CPU machines with a CUDA runtime)
    assertThat(quiet.err().lines().filter(line -> line.contains(" ai.djl."))).as(quiet.err()).isEmpty();

    Run verbose = bam("predict", "--verbose", "--model", model.toString(), "--task", "sentiment", "good");
    assertThat(verbose.exitCode()).as(verbose.err()).isZero();
    assertThat(verbose.err()).contains("INFO ai.djl.");
  }

  private Run bam(String... args) throws Exception {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-cp", classPath, BamCli.class.getName()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("bam " + String.join(" ", args) + " did not finish in 180 s");
    }
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
