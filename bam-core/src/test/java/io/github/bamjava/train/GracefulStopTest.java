package io.github.bamjava.train;

import static com.google.common.util.concurrent.Uninterruptibles.sleepUninterruptibly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.github.bamjava.predict.BamModel;
import io.github.bamjava.runtime.GracefulStop;
import io.github.bamjava.runtime.RunStoppedException;
import io.github.bamjava.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A requested stop (Ctrl-C through the CLI's shutdown hook) ends training at a safe point that resumes exactly. */
class GracefulStopTest {

  private static final List<Task> TASKS = List.of(SyntheticTasks.sentiment(96, 20, 1),
      SyntheticTasks.stars(64, 20, 3));

  @TempDir Path dir;

  @AfterEach
  void clear() {
    GracefulStop.clear();
  }

  /** Requests a stop when step {@code n} is done, as a signal arriving during that step would. */
  private static RunListener stopAfter(long n) {
    return new RunListener() {
      @Override
      public void onStep(StepInfo step) {
        if (step.step() == n) {
          GracefulStop.request();
        }
      }
    };
  }

  private static BornAgainTrainer.Builder tiny(Path out) {
    // 10 steps an epoch, no periodic checkpoints: only the stop and the epoch ends write one.
    return SyntheticTasks.tinyTrainer(out, TASKS).optEpochs(2);
  }

  @Test
  void aStopMidEpochCheckpointsThatStepAndTheRerunEndsWhereAnUninterruptedRunEnds() throws Exception {
    RunResult straight = tiny(dir.resolve("straight")).build().train();

    Path out = dir.resolve("stopped");
    assertThatThrownBy(() -> tiny(out).addListener(stopAfter(4)).build().train())
        .isInstanceOf(RunStoppedException.class)
        .hasMessageContaining("after step 4 of 20")
        .hasMessageContaining("run the same command (or train()) again to resume");
    assertThat(new Checkpoints(out.resolve("checkpoints"), 1).latest().orElseThrow().step()).isEqualTo(4);
    assertThat(out.resolve("model")).doesNotExist();
    // The metrics of the steps before the stop are on disk, not lost in a buffer.
    assertThat(Files.readAllLines(out.resolve("metrics.jsonl")))
        .filteredOn(l -> l.contains("\"type\":\"step\"")).hasSize(4);

    GracefulStop.clear();
    RunResult resumed = tiny(out).build().train();
    assertThat(SyntheticTasks.savedWeights(resumed))
        .isEqualTo(SyntheticTasks.savedWeights(straight));
    assertThat(resumed.epochs()).hasSize(2);
  }

  @Test
  void aListenerThatAsksToStopStopsOnlyItsRunWithACheckpointOfThatStep() throws Exception {
    RunResult straight = tiny(dir.resolve("straight")).build().train();

    Path out = dir.resolve("stopped");
    RunListener stopAfter6 = new RunListener() {
      private long done;

      @Override
      public void onStep(StepInfo step) {
        done = step.step();
      }

      @Override
      public boolean stopRequested() {
        return done >= 6;
      }
    };
    assertThatThrownBy(() -> tiny(out).addListener(stopAfter6).build().train())
        .isInstanceOf(RunStoppedException.class)
        .hasMessageContaining("after step 6 of 20");
    assertThat(GracefulStop.requested()).as("the process is not asked to stop").isFalse();
    assertThat(new Checkpoints(out.resolve("checkpoints"), 1).latest().orElseThrow().step()).isEqualTo(6);

    RunResult resumed = tiny(out).build().train();
    assertThat(SyntheticTasks.savedWeights(resumed)).isEqualTo(SyntheticTasks.savedWeights(straight));
  }

  @Test
  void aResumedRunReportsTheTrainingTimeBeforeItsStopToo() throws Exception {
    Path out = dir.resolve("stopped");
    RunListener slowFirstStep = new RunListener() {
      @Override
      public void onStep(StepInfo step) {
        if (step.step() == 1) {
          sleepUninterruptibly(Duration.ofSeconds(2));
        }
      }
    };
    assertThatThrownBy(() -> tiny(out).addListener(slowFirstStep).addListener(stopAfter(4)).build().train())
        .isInstanceOf(RunStoppedException.class);
    double beforeStop = new Checkpoints(out.resolve("checkpoints"), 1).latest().orElseThrow().state()
        .get(CheckpointWriter.TRAIN_SECONDS).getAsDouble();
    assertThat(beforeStop).isGreaterThanOrEqualTo(2.0);

    GracefulStop.clear();
    RunResult resumed = tiny(out).build().train();

    assertThat(resumed.trainSeconds()).isGreaterThan(beforeStop);
  }

  @Test
  void aStopAtAnEpochsLastStepKeepsThatEpochsEvaluation() throws Exception {
    Path out = dir.resolve("stopped");
    assertThatThrownBy(() -> tiny(out).addListener(stopAfter(10)).build().train())
        .isInstanceOf(RunStoppedException.class);
    GracefulStop.clear();
    RunResult resumed = tiny(out).build().train();
    assertThat(resumed.epochs()).extracting(EpochResult::epoch).containsExactly(0, 1);
    assertThat(resumed.epochs().get(0).dev()).containsKeys("sentiment", "stars");
  }

  @Test
  void aStoppedRunWithoutCheckpointsSaysWhereARerunStarts() throws Exception {
    Path fresh = dir.resolve("fresh");
    assertThatThrownBy(() -> tiny(fresh).optKeepCheckpoints(0).addListener(stopAfter(3)).build().train())
        .isInstanceOf(RunStoppedException.class)
        .hasMessageContaining("a rerun starts afresh");
    assertThat(new Checkpoints(fresh.resolve("checkpoints"), 1).latest()).isEmpty();

    // Resumed from an earlier process's checkpoint, without checkpoints of its own: that one is still there.
    GracefulStop.clear();
    Path out = dir.resolve("resumed");
    assertThatThrownBy(() -> tiny(out).addListener(stopAfter(4)).build().train())
        .isInstanceOf(RunStoppedException.class);
    GracefulStop.clear();
    assertThatThrownBy(() -> tiny(out).optKeepCheckpoints(0).addListener(stopAfter(7)).build().train())
        .isInstanceOf(RunStoppedException.class)
        .hasMessageContaining("after step 7 of 20")
        .hasMessageContaining("a rerun resumes from the checkpoint of step 4 in " + out.resolve("checkpoints"))
        .hasMessageNotContaining("afresh");
    assertThat(new Checkpoints(out.resolve("checkpoints"), 1).latest().orElseThrow().step()).isEqualTo(4);
  }

  @Test
  void aRunDoesNotStartOnceAStopIsRequested() {
    GracefulStop.request();
    Path out = dir.resolve("never");
    assertThatThrownBy(() -> tiny(out).build().train())
        .isInstanceOf(RunStoppedException.class)
        .hasMessageContaining("did not start");
    assertThat(out.resolve("run-config.json")).doesNotExist();
  }

  @Test
  void aStopOfTrainingLetsPredictionsGoOnAndAShutdownStopsThemBetweenBatches() throws Exception {
    RunResult run = tiny(dir.resolve("run")).optEpochs(1).build().train();
    try (NDManager manager = NDManager.newBaseManager();
        BamModel model = BamModel.load(run.modelDir(), manager)) {
      Task task = TASKS.get(0);
      assertThat(model.predict(task.name(), task.train(), 32).length).isEqualTo(96);
      // A server that stops a training run keeps serving.
      GracefulStop.request();
      assertThat(model.predict(task.name(), task.train(), 32).length).isEqualTo(96);
      assertThatThrownBy(() -> tiny(dir.resolve("other")).build().train())
          .isInstanceOf(RunStoppedException.class);
      // A process about to exit stops its predictions too.
      GracefulStop.requestShutdown();
      assertThatThrownBy(() -> model.predict(task.name(), task.train(), 32))
          .isInstanceOf(RunStoppedException.class)
          .hasMessageContaining("after 0 of 96 examples");
    }
  }
}
