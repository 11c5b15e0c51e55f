package io.github.bamjava.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bamjava.encoder.EncoderSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run of the real MiniLM (22.7M parameters: ~90 MB of weights, ~180 MB of Adam moments) is killed after its
 * first checkpoint and resumed, each time in a fresh JVM with the launcher's own memory settings ({@code ./bam}:
 * {@code -XX:MaxDirectMemorySize=256m}). Loading a checkpoint must not keep the host copies of weights and
 * moments alive in direct memory, or the resume dies with "Cannot reserve ... bytes of direct buffer memory".
 */
class LauncherMemoryResumeTest {

  /** The launcher's direct-memory cap (./bam); the heap is smaller than its 8g, which only makes this harder. */
  private static final String DIRECT_MEMORY_CAP = "-XX:MaxDirectMemorySize=256m";
  private static final int KILLED = 3;

  @TempDir Path dir;

  @Test
  void miniLmRunResumesUnderTheLaunchersDirectMemoryCap() throws Exception {
    Path out = dir.resolve("run");
    Run killed = runInFreshJvm(out, "kill");
    assertThat(killed.exitCode()).as(killed.output()).isEqualTo(KILLED);
    assertThat(Files.readString(out.resolve("checkpoints/LATEST")).trim()).isEqualTo("step-1");

    Run resumed = runInFreshJvm(out, "resume");
    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(resumed.output()).contains("RESUMED-FROM 1");
    assertThat(Files.readString(out.resolve("checkpoints/LATEST")).trim()).isEqualTo("step-2");
    assertThat(out.resolve("model/model.safetensors")).exists();
  }

  private record Run(int exitCode, String output) {}

  private static Run runInFreshJvm(Path out, String mode) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx2g");
    command.add(DIRECT_MEMORY_CAP);
    command.add("-Dai.djl.offline=true");
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Child.class.getName());
    command.add(out.toString());
    command.add(mode);
    Path log = Files.createTempFile(out.getParent(), mode, ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the " + mode + " run did not finish in 5 minutes: " + Files.readString(log));
    }
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /** One training run of two steps on the embedded MiniLM; "kill" stops it while writing its second checkpoint. */
  static final class Child {
    public static void main(String[] args) throws Exception {
      Path out = Path.of(args[0]);
      boolean kill = args[1].equals("kill");
      int[] writes = {0};
      BornAgainTrainer.Builder builder = BornAgainTrainer.builder()
          .setEncoder(EncoderSource.miniLm())
          .addTask(SyntheticTasks.sentiment(4, 2, 1))
          .setOutputDir(out)
          .optEpochs(1)
          .optBatchSize(2)
          .optMaxLength(16)
          .optCheckpointEvery(1)
          .optKeepFinalCheckpoint(true)
          .optSeed(5)
          .addListener(new RunListener() {
            @Override
            public void onTrainingStart(RunInfo run) {
              System.out.println("RESUMED-FROM " + run.startStep());
            }
          });
      if (kill) {
        builder.checkpointHook(() -> {
          if (++writes[0] == 2) {
            System.out.flush();
            Runtime.getRuntime().halt(KILLED);
          }
        });
      }
      builder.build().train();
      System.exit(0);
    }
  }
}
