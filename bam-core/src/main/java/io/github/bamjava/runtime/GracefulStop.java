package io.github.bamjava.runtime;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A request that work stop at its next safe point: a training run after the current step (with a checkpoint of
 * that step, so a rerun resumes there), a prediction between two batches. They then throw {@link
 * RunStoppedException}.
 *
 * <p>Two requests, scoped to what they are for. {@link #request()} stops training runs, and only them: an
 * application that stops a training keeps serving predictions. {@link #requestShutdown()} is for a process about to
 * exit: it stops the runs and the predictions under way too.
 *
 * <p>Why: on Ctrl-C or {@code kill} the JVM runs its shutdown hooks and then exits, and exiting tears down
 * libtorch while a training step may still be inside it — a native crash with a JVM error report, and the steps
 * since the last checkpoint lost. {@link #installShutdownHook} makes the signal a shutdown request instead and
 * lets the work under way reach a safe point first. The command-line tool installs it; an application that embeds
 * the library can install it too, or call {@link #request()} itself (and {@link #clear()} to train again).
 */
public final class GracefulStop {
  private GracefulStop() {}

  private static final Object LOCK = new Object();
  /** Training runs stop: set by either request. */
  private static volatile boolean requested;
  /** Predictions stop too: set by a shutdown request only. */
  private static volatile boolean shuttingDown;
  /** Trainings and predictions under way: they stop at their next safe point. */
  private static int work;
  /** The trainings among them: the hook's line then speaks of steps and checkpoints. */
  private static int trainings;
  /** Commands under way (a tool's whole command): they report how their work stopped. */
  private static int commands;

  /**
   * How long the shutdown hook waits for a command when no training or prediction is under way: long enough
   * for a model being loaded to reach its training's first check, short enough that a command waiting on
   * something else (a download, its standard input) does not hold the exit for minutes.
   */
  static final Duration COMMAND_GRACE = Duration.ofSeconds(10);

  /**
   * Asks every training run under way, and any started later until {@link #clear()}, to stop. Predictions go on:
   * they stop only for {@link #requestShutdown()}.
   */
  public static void request() {
    requested = true;
  }

  /**
   * The process is about to exit: asks every training run and every prediction under way, and any started later
   * until {@link #clear()}, to stop at its next safe point. What the shutdown hook of {@link #installShutdownHook}
   * calls.
   */
  public static void requestShutdown() {
    requested = true;
    shuttingDown = true;
  }

  /** Whether training runs are to stop (either request was made). */
  public static boolean requested() {
    return requested;
  }

  /** Withdraws both requests, so that runs and predictions may start again (after a stop has been handled). */
  public static void clear() {
    requested = false;
    shuttingDown = false;
  }

  /**
   * Installs a JVM shutdown hook that requests a stop. When a training or prediction is under way it writes one
   * line to {@code log} and waits, at most {@code grace}, until that work has stopped and the commands around it
   * ({@link #enterCommand()}) have reported it; otherwise it waits for the commands at most
   * {@link #COMMAND_GRACE}.
   */
  public static void installShutdownHook(Duration grace, PrintStream log) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      requestShutdown();
      if (!awaitIdle(Duration.ZERO, true)) {
        log.println(stopNotice(grace));
        awaitIdle(grace, false);
      } else {
        awaitIdle(COMMAND_GRACE, false);
      }
    }, "bam-graceful-stop"));
  }

  /**
   * The line the shutdown hook prints when it waits for work: what stops where, and what {@code kill -9} would
   * lose. A prediction keeps what it has written, and has no checkpoints to speak of.
   */
  static String stopNotice(Duration grace) {
    boolean training;
    synchronized (LOCK) {
      training = trainings > 0;
    }
    if (training) {
      return "stopping after the current step (at most " + grace.toSeconds() + " s; kill -9 stops at once and"
          + " loses the steps since the last checkpoint)";
    }
    return "stopping the prediction after the current batch (at most " + grace.toSeconds() + " s; the"
        + " predictions written so far are kept)";
  }

  /**
   * Waits at most {@code timeout} until no training or prediction is under way, and unless {@code workOnly} no
   * command either; whether none is.
   */
  static boolean awaitIdle(Duration timeout, boolean workOnly) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (LOCK) {
      try {
        while (work > 0 || (!workOnly && commands > 0)) {
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
   * Marks a training under way until the returned scope is closed: the shutdown hook waits for it (up to its
   * grace), and it stops at its next safe point, after a step and its checkpoint.
   */
  public static Scope enter() {
    return enterWork(true);
  }

  /**
   * Marks a prediction under way until the returned scope is closed: the shutdown hook waits for it (up to its
   * grace), and it stops between two batches.
   */
  public static Scope enterPrediction() {
    return enterWork(false);
  }

  private static Scope enterWork(boolean training) {
    synchronized (LOCK) {
      work++;
      if (training) {
        trainings++;
      }
    }
    return new Scope(true, training);
  }

  /**
   * Marks a command of a tool under way (its whole command), so that it can still report how its work stopped
   * before the JVM exits. Waited for up to the hook's grace when it was stopped amid training or prediction,
   * and up to {@link #COMMAND_GRACE} otherwise.
   */
  public static Scope enterCommand() {
    synchronized (LOCK) {
      commands++;
    }
    return new Scope(false, false);
  }

  /**
   * Throws {@link RunStoppedException} with {@code message} when training runs are to stop. Training calls it
   * between steps, where a stop leaves a checkpoint that resumes exactly.
   *
   * @param message what the exception says (where the run stopped)
   * @throws RunStoppedException when a stop was requested ({@link #request})
   */
  public static void check(String message) {
    if (requested) {
      throw new RunStoppedException(message);
    }
  }

  /**
   * Throws {@link RunStoppedException} with {@code message} when predictions are to stop: the process exits.
   * Prediction code calls it between batches; a request to stop training ({@link #request}) does not trigger it.
   *
   * @param message what the exception says (how much was done)
   * @throws RunStoppedException when the process is shutting down ({@link #requestShutdown})
   */
  public static void checkPrediction(String message) {
    if (shuttingDown) {
      throw new RunStoppedException(message);
    }
  }

  /** Work or a command under way; closing it ends it (once). */
  public static final class Scope implements AutoCloseable {
    private final boolean isWork;
    private final boolean isTraining;
    private boolean closed;

    private Scope(boolean isWork, boolean isTraining) {
      this.isWork = isWork;
      this.isTraining = isTraining;
    }

    @Override
    public void close() {
      synchronized (LOCK) {
        if (!closed) {
          closed = true;
          if (isWork) {
            work--;
            if (isTraining) {
              trainings--;
            }
          } else {
            commands--;
          }
          LOCK.notifyAll();
        }
      }
    }
  }
}
