package io.github.bamjava.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.pipeline.PipelineSettings;
import io.github.bamjava.pipeline.Recipe;
import io.github.bamjava.pipeline.StageRun;
import io.github.bamjava.pipeline.StageTrainer;
import io.github.bamjava.runtime.TorchThreads;
import io.github.bamjava.task.Task;
import io.github.bamjava.train.SyntheticTasks;
import io.github.bamjava.train.TrainingSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The training options of {@code bam glue} and {@code bam train}: each reaches the one setting it names. */
class PipelineOptionsTest {

  @TempDir Path tmp;

  /** The settings {@code bam train} runs with for these options over a task file's {@code base}. */
  private static PipelineSettings trainSettings(PipelineSettings base, String... options) {
    CommandLine cli = new CommandLine(new TrainCommand());
    String[] args = new String[options.length + 2];
    args[0] = "--tasks";
    args[1] = "tasks.json";
    System.arraycopy(options, 0, args, 2, options.length);
    cli.parseArgs(args);
    TrainCommand command = cli.getCommand();
    return command.options.apply(command.spec, base);
  }

  /** What the student's run of these settings records (its run key is made of these). */
  private TrainingSettings studentRun(PipelineSettings s) {
    Task task = SyntheticTasks.sentiment(8, 2, 1);
    return new StageTrainer(s, null, 10)
        .trainer(new StageRun(s.recipe().student(), s.encoder(), List.of(task), Map.of(), s.seed(), tmp))
        .settings();
  }

  @Test
  void lrAndLayerDecayReachTheOptimizerSettingsOfEveryStage() {
    PipelineSettings s = trainSettings(PipelineSettings.DEFAULT, "--lr", "3e-5", "--layer-decay", "0.8");
    for (var stage : List.of(s.recipe().teacher(), s.recipe().student(), s.recipe().finetune())) {
      assertThat(stage.learningRate()).isEqualTo(3e-5);
    }
    TrainingSettings run = studentRun(s);
    assertThat(run.optimizer().learningRate()).isEqualTo(3e-5);
    assertThat(run.optimizer().layerDecay()).isEqualTo(0.8);
    // Left out, an option keeps what the task file (here the defaults) says.
    TrainingSettings plain = studentRun(trainSettings(PipelineSettings.DEFAULT));
    assertThat(plain.optimizer().learningRate()).isEqualTo(Recipe.LEARNING.student().learningRate());
    assertThat(plain.optimizer().layerDecay()).isEqualTo(Recipe.LEARNING.layerDecay());
  }

  @Test
  void predictionShardReachesTheSettingsAndIsNoPartOfARunsKey() {
    PipelineSettings s = trainSettings(PipelineSettings.DEFAULT, "--prediction-shard", "1000");
    assertThat(s.predictionShard()).isEqualTo(1000);
    assertThat(trainSettings(PipelineSettings.DEFAULT).predictionShard())
        .isEqualTo(PipelineSettings.DEFAULT_PREDICTION_SHARD);
    // The outputs are the same however a training set is split: a run continues with another shard size.
    assertThat(studentRun(s).runKey()).isEqualTo(studentRun(trainSettings(PipelineSettings.DEFAULT)).runKey());
    assertThatThrownBy(() -> trainSettings(PipelineSettings.DEFAULT, "--prediction-shard", "0"))
        .hasMessageContaining("--prediction-shard must be >= 1, got 0");
  }

  @Test
  void strategiesAndStageOptionsReachTheTrainer() {
    PipelineSettings s = trainSettings(PipelineSettings.DEFAULT, "--sampler", "proportional", "--annealing",
        "constant:0.5", "--loss", "cross-entropy", "--schedule", "warmup-linear:0.2", "--epochs", "2",
        "--batch-size", "8", "--max-length", "64", "--pooling", "cls", "--seed", "7", "--teachers", "2",
        "--temperature", "2");
    TrainingSettings run = studentRun(s);
    assertThat(run.sampler().describe()).isEqualTo("size^1.0");
    assertThat(run.annealing().describe()).isEqualTo("constant 0.5");
    assertThat(run.loss().describe()).isEqualTo("cross-entropy / squared error");
    assertThat(run.optimizer().schedule().describe()).isEqualTo("warmup 0.2, linear decay");
    assertThat(run.epochs()).isEqualTo(2);
    assertThat(run.batchSize()).isEqualTo(8);
    assertThat(run.maxLength()).isEqualTo(64);
    assertThat(run.seed()).isEqualTo(7);
    assertThat(run.temperature()).isEqualTo(2.0);
    assertThat(s.teachersPerTask()).isEqualTo(2);
  }

  @Test
  void aStrategyNameTheLibraryDoesNotKnowIsAUsageErrorListingTheKnownNames() {
    assertThatThrownBy(() -> trainSettings(PipelineSettings.DEFAULT, "--sampler", "temperature"))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--sampler: unknown sampler 'temperature'; known: uniform, proportional,"
            + " size-exponent:<exponent>");
    assertThatThrownBy(() -> trainSettings(PipelineSettings.DEFAULT, "--annealing", "cosine"))
        .hasMessage("--annealing: unknown annealing 'cosine'; known: linear, constant:<lambda>");
    assertThatThrownBy(() -> trainSettings(PipelineSettings.DEFAULT, "--loss", "mse"))
        .hasMessage("--loss: unknown loss 'mse'; known: cross-entropy");
    assertThatThrownBy(() -> trainSettings(PipelineSettings.DEFAULT, "--schedule", "cosine"))
        .hasMessage("--schedule: unknown schedule 'cosine'; known: warmup-linear:<warmup fraction>, constant");
    assertThatThrownBy(() -> trainSettings(PipelineSettings.DEFAULT, "--layer-decay", "1.5"))
        .hasMessage("layer decay must be in (0, 1], got 1.5");
  }

  @Test
  void bamGlueRefusesABadStrategyNameWithExitTwoBeforeReadingAnything() {
    CommandLine cli = BamCli.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    int code = BamCli.run(cli, new String[] {"glue", "--glue-dir", tmp.resolve("none").toString(), "-o",
        tmp.resolve("out").toString(), "--annealing", "cosine"});
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--annealing: unknown annealing 'cosine'; known: linear,"
        + " constant:<lambda>");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void threadsReachLibtorchAndACountBelowOneIsAUsageError() {
    int before = TorchThreads.current();
    try {
      int other = before == 1 ? 2 : 1;
      trainSettings(PipelineSettings.DEFAULT, "--threads", Integer.toString(other));
      assertThat(TorchThreads.current()).isEqualTo(other);
    } finally {
      TorchThreads.set(before);
    }
    assertThatThrownBy(() -> trainSettings(PipelineSettings.DEFAULT, "--threads", "0"))
        .isInstanceOf(ParameterException.class).hasMessage("--threads must be >= 1, got 0");
    assertThat(TorchThreads.current()).isEqualTo(before);
  }
}
