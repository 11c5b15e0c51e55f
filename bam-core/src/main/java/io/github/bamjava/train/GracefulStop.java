package io.github.bamjava.train;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A request, for the whole process, that training and prediction stop at the next safe point: after the current
 * training step (with a checkpoint of that step, so a rerun resumes there) or between two prediction batches.
 * They then throw {@link RunStoppedException}.
 *
 * <p>Why: on Ctrl-C or {@code kill} the JVM runs its shutdown hooks and then exits, and exiting tears down
 * libtorch while a training step may still be inside it — a native crash with a JVM error report, and the steps
 * since the last checkpoint lost. {@link #installShutdownHook} makes the signal a request instead and lets the
 * work under way reach a safe point first. The command-line tool installs it; an application that embeds the
 * library can install it too, or call {@link #request()} itself (and {@link #clear()} to train again).
 */
public final class GracefulStop {
  private GracefulStop() {}

  private static final Object LOCK = new Object();
  private static volatile boolean requested;
  /** Trainings and predictions under way. */
  private static int active;

  /** Asks every run and prediction under way, and any started later until {@link #clear()}, to stop. */
  public static void request() {
    requested = true;
  }

  /** Whether a stop was requested. */
  public static boolean requested() {
    return requested;
  }

  /** Withdraws a request, so that runs may start again (after a stop has been handled). */
  public static void clear() {
    requested = false;
  }

  /**
   * Installs a JVM shutdown hook that requests a stop and waits, at most {@code grace}, until the trainings and
   * predictions under way have stopped. Writes one line to {@code log} when it has something to wait for.
   */
  public static void installShutdownHook(Duration grace, PrintStream log) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      request();
      if (!awaitIdle(Duration.ZERO)) {
        log.println("stopping after the current step (at most " + grace.toSeconds() + " s; kill -9 stops at once"
            + " and loses the steps since the last checkpoint)");
        awaitIdle(grace);
      }
    }, "bam-graceful-stop"));
  }

  /** Waits at most {@code timeout} until no training or prediction is under way; whether none is. */
  static boolean awaitIdle(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (LOCK) {
      try {
        while (active > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          LOCK.wait(Math.max(1, left / 1_000_000));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      return true;
    }
  }

  /**
   * Marks work under way until the returned scope is closed: the shutdown hook waits for it. Training and
   * prediction mark themselves; a command-line tool marks its whole command, so that it can still report how
   * the work stopped before the JVM exits.
   */
  public static Scope enter() {
    synchronized (LOCK) {
      active++;
    }
    return new Scope();
  }

  /** Throws {@link RunStoppedException} with {@code message} when a stop was requested. */
  static void check(String message) {
    if (requested) {
      throw new RunStoppedException(message);
    }
  }

  /** Work under way; closing it ends it (once). */
  public static final class Scope implements AutoCloseable {
    private boolean closed;

    @Override
    public void close() {
      synchronized (LOCK) {
        if (!closed) {
          closed = true;
          active--;
          LOCK.notifyAll();
        }
      }
    }
  }
}
