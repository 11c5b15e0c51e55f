package io.github.bamjava.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shutdown hook's side of a stop: what it waits for and what it says, with no training involved. */
class GracefulStopHookTest {

  @AfterEach
  void clear() {
    GracefulStop.clear();
  }

  @Test
  void theShutdownHookWaitsForWorkUnderWayToEnd() throws Exception {
    assertThat(GracefulStop.awaitIdle(Duration.ZERO, false)).isTrue();
    GracefulStop.Scope work = GracefulStop.enter();
    assertThat(GracefulStop.awaitIdle(Duration.ofMillis(50), false)).isFalse();
    Thread finisher = new Thread(() -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      work.close();
    });
    long start = System.nanoTime();
    finisher.start();
    assertThat(GracefulStop.awaitIdle(Duration.ofSeconds(30), false)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    finisher.join();
    work.close(); // a second close changes nothing
    assertThat(GracefulStop.awaitIdle(Duration.ZERO, false)).isTrue();
  }

  @Test
  void aCommandIsNoWorkToStopButIsWaitedForToReportIt() {
    try (GracefulStop.Scope command = GracefulStop.enterCommand()) {
      // No training or prediction under way: the hook does not announce a wait for a step.
      assertThat(GracefulStop.awaitIdle(Duration.ZERO, true)).isTrue();
      assertThat(GracefulStop.awaitIdle(Duration.ofMillis(20), false)).isFalse();
      try (GracefulStop.Scope work = GracefulStop.enter()) {
        assertThat(GracefulStop.awaitIdle(Duration.ZERO, true)).isFalse();
      }
    }
    assertThat(GracefulStop.awaitIdle(Duration.ZERO, false)).isTrue();
  }

  @Test
  void theShutdownHooksLineSpeaksOfPredictionWhileOnlyPredictionRuns() {
    try (GracefulStop.Scope prediction = GracefulStop.enterPrediction()) {
      assertThat(GracefulStop.stopNotice(Duration.ofMinutes(3)))
          .isEqualTo("stopping the prediction after the current batch (at most 180 s; the predictions written so"
              + " far are kept)")
          .doesNotContain("checkpoint");
      try (GracefulStop.Scope training = GracefulStop.enter()) {
        assertThat(GracefulStop.stopNotice(Duration.ofMinutes(3))).contains("step", "checkpoint");
      }
      assertThat(GracefulStop.stopNotice(Duration.ofMinutes(3))).doesNotContain("checkpoint");
    }
  }
}
